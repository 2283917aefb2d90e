// What a published tarball holds: no tests, no source maps pointing at missing files, no
// secrets (private keys, OAuth/IAM tokens, .env files).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from './lib.mjs';

const FORBIDDEN_FILES = [
  [/(^|\/)[^/]*\.(test|spec)\.[cm]?[jt]sx?$/, 'a test file'],
  [/(^|\/)(test|tests|__tests__|e2e|fixtures)\//, 'a test folder'],
  [/(^|\/)\.env(\.|$)/, 'an env file'],
  [/(^|\/)src\//, 'TypeScript sources (the files allow-list ships dist only)'],
  [/\.tgz$/, 'a nested tarball'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'a tsconfig'],
];

const SECRET_PATTERNS = [
  [/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]{64,}/, 'PEM private key material'],
  [/\by[0-3]_[A-Za-z0-9_-]{30,}/, 'a Yandex OAuth token'],
  [/\bt1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{86}={0,2}/, 'an IAM token'],
  [/\b(?:client_secret|clientSecret)\s*[:=]\s*["'][A-Za-z0-9]{24,}["']/, 'a hard-coded client secret'],
];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Pack every package with npm (as publish does) and inspect the tarball's contents. */
export async function checkPackedFiles(packages, { log }) {
  const problems = [];
  for (const { dir, pkg } of packages) {
    const out = mkdtempSync(join(tmpdir(), 'tracker-auth-pack-'));
    try {
      await run('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: dir, quiet: true });
      const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
      await run('tar', ['-xzf', join(out, tarball), '-C', out], { quiet: true });
      const files = walk(join(out, 'package')).map((f) => relative(join(out, 'package'), f));
      for (const file of files) {
        for (const [pattern, what] of FORBIDDEN_FILES) {
          if (pattern.test(file)) problems.push(`${pkg.name}: ${file} is ${what}`);
        }
        const text = readFileSync(join(out, 'package', file), 'utf8');
        if (file.endsWith('.map')) {
          const map = JSON.parse(text);
          for (const source of map.sources ?? []) {
            const target = join(out, 'package', file, '..', source);
            if (!files.includes(relative(join(out, 'package'), target)) && !map.sourcesContent) {
              problems.push(`${pkg.name}: ${file} points at ${source}, which is not in the package`);
            }
          }
        }
        for (const [pattern, what] of SECRET_PATTERNS) {
          if (pattern.test(text)) problems.push(`${pkg.name}: ${file} contains ${what}`);
        }
      }
      if (!files.includes('README.md')) problems.push(`${pkg.name}: no README.md in the package`);
      log(`packed ${pkg.name}: ${files.length} files`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  if (problems.length) throw new Error(`packed file lists:\n  ${problems.join('\n  ')}`);
}
