/**
 * The README is copy-pasteable: every code block marked with a file name (```ts file=lib/tracker.ts)
 * is written, as it is, into a fresh App Router app (what create-next-app adds besides: layout,
 * tsconfig with the `@/` alias), which is built with the workspace's Next 16 and started against
 * the fake Yandex, configured by the README's own `.env.local` (no service credential in it: a
 * sign-in-only app must start). Its pages, sign-in, the error page and the proxy route are
 * requested over HTTP; the README's Vitest config and test run in the app; the blocks for other
 * setups (`next=15`, `variant`) are type-checked in place of the file they replace.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, signInThroughApp, type FakeYandex } from '@tracker-auth/testing';
import { freePort, nextBuild, nextStart, runCommand, type RunningNext } from '@tracker-auth-tools/test-harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
/** Outside every package (their lint and test globs) but under the workspace's node_modules. */
const appDir = join(root, '.tmp', 'next-readme-app');
const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next');

interface Snippet {
  file: string;
  /** Other words of the info string: `next=15`, `variant`. */
  flags: string[];
  code: string;
}

/** Every fenced block whose info string names a file. */
function snippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  for (const match of markdown.matchAll(/^```(\S+)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const words = match[2]!.trim().split(/\s+/).filter(Boolean);
    const file = words.find((word) => word.startsWith('file='))?.slice('file='.length);
    if (file) out.push({ file, flags: words.filter((word) => !word.startsWith('file=')), code: match[3]! });
  }
  return out;
}

function write(file: string, code: string): void {
  const path = join(appDir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
}

/** What create-next-app gives every app, and the monorepo's roots for Next's bundlers. */
const SCAFFOLD: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'next-readme-app', private: true }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['dom', 'dom.iterable', 'esnext'],
      allowJs: true,
      skipLibCheck: true,
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      module: 'esnext',
      moduleResolution: 'bundler',
      resolveJsonModule: true,
      isolatedModules: true,
      jsx: 'react-jsx',
      incremental: false,
      plugins: [{ name: 'next' }],
      paths: { '@/*': ['./*'] },
    },
    include: ['next-env.d.ts', '**/*.ts', '**/*.tsx', '.next/types/**/*.ts'],
    exclude: ['node_modules'],
  }),
  'app/layout.tsx': `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`,
  // Only because this app sits inside the monorepo (its node_modules are the workspace's).
  'next.config.mjs': `export default { outputFileTracingRoot: ${JSON.stringify(root)}, turbopack: { root: ${JSON.stringify(root)} } };\n`,
};

const all = snippets(readme);
const main = all.filter((s) => s.flags.length === 0);
const others = all.filter((s) => s.flags.length > 0);

describe.runIf(process.env.NEXT_MAJOR === '16')('README snippets, copied into a fresh Next.js 16 app', { timeout: 300_000 }, () => {
  let fake: FakeYandex;
  let next: RunningNext | undefined;
  let appUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    rmSync(appDir, { recursive: true, force: true });
    for (const [file, code] of Object.entries(SCAFFOLD)) write(file, code);
    for (const snippet of main) if (snippet.file !== '.env.local') write(snippet.file, snippet.code);
    // Built without the runtime environment, as `next build` in CI is.
    const built = nextBuild(nextBin, appDir);
    if (built.status !== 0) throw new Error(`next build of the README app failed:\n${built.output}`);

    fake = await startFakeYandex();
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    const app = fake.oauth.registerApp({ redirectUris: [`${appUrl}/api/auth/callback`] });
    // The README's .env.local, its placeholders filled with this fake's values.
    env = {
      APP_URL: appUrl,
      TRACKER_ORG_ID: fake.demo.orgId,
      YANDEX_CLIENT_ID: app.clientId,
      YANDEX_CLIENT_SECRET: app.clientSecret!,
      SESSION_SECRET: randomBytes(32).toString('base64'),
      YANDEX_OAUTH_URL: fake.url,
      TRACKER_API_URL: fake.url,
    };
    const envFile = main.find((s) => s.file === '.env.local')!.code;
    const filled = envFile.replace(/^(\w+)=.*$/gm, (_line, name: string) => {
      if (!(name in env)) throw new Error(`the README's .env.local sets ${name}, which this test does not know`);
      return `${name}=${env[name]}`;
    });
    write('.env.local', filled);
    next = await nextStart({ nextBin, cwd: appDir, port, readyPath: '/sign-in-error' });
  }, 600_000);

  afterAll(async () => {
    await next?.stop();
    await fake?.close();
  });

  it('has the files a whole app needs, each once', () => {
    expect(main.map((s) => s.file).sort()).toEqual(
      [
        '.env.local',
        'app/actions.ts',
        'app/api/auth/[action]/route.ts',
        'app/api/tracker/[...path]/route.ts',
        'app/issue-search.tsx',
        'app/page.tsx',
        'app/sign-in-error/page.tsx',
        'instrumentation.ts',
        'lib/startup-check.ts',
        'lib/tracker.ts',
        'proxy.ts',
        'test/proxy-route.test.ts',
        'vitest.config.ts',
      ].sort(),
    );
    // .env.local names every variable the test fills in (nothing left for the reader to guess).
    const names = [...main.find((s) => s.file === '.env.local')!.code.matchAll(/^(\w+)=/gm)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(env).sort());
    expect(others.map((s) => `${s.file} ${s.flags.join(' ')}`).sort()).toEqual(['middleware.ts next=15', 'proxy.ts variant']);
  });

  it('starts without a service credential and serves the signed-out page', async () => {
    const page = await fetch(`${appUrl}/`);
    expect(page.status, next!.output()).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign in with Yandex');
    expect(html).toContain('Sign in (server action)');
  });

  it('signs in through the routes (straight to Yandex), renders the user, proxies, and signs out', async () => {
    const signedIn = await signInThroughApp(appUrl, { fake, signInPath: '/api/auth/sign-in' });
    expect(signedIn.hops.map((hop) => new URL(hop.url).pathname)).toEqual(['/api/auth/sign-in', '/authorize', '/api/auth/callback', '/']);
    const page = await fetch(`${appUrl}/`, { headers: { cookie: signedIn.cookie } });
    expect(await page.text()).toMatch(new RegExp(`Signed in as (<!-- -->)?${fake.demo.user.login}`));

    // What the page's client component sends: a same-origin fetch with the session cookie.
    const search = await fetch(`${appUrl}/api/tracker/v3/issues/_search`, {
      method: 'POST',
      headers: { cookie: signedIn.cookie, origin: appUrl, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { queue: 'TEST' } }),
    });
    expect(search.status).toBe(200);
    expect(Array.isArray(await search.json())).toBe(true);

    const out = await fetch(`${appUrl}/api/auth/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie: signedIn.cookie, origin: appUrl } });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(/tracker_session=;/);
  });

  it('a failed sign-in lands on the error page with the safe code', async () => {
    const callback = await fetch(`${appUrl}/api/auth/callback?error=access_denied&state=x`, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    const location = new URL(callback.headers.get('location')!, appUrl).href;
    expect(location).toMatch(new RegExp(`^${appUrl}/sign-in-error\\?error=\\w+$`));
    const code = new URL(location).searchParams.get('error')!;
    expect(code).toBe('state_missing'); // no sign-in of this client in progress
    expect(await (await fetch(location)).text()).toContain(`<code>${code}</code>`);
    expect(await (await fetch(`${appUrl}/sign-in-error?error=access_denied`)).text()).toContain('you declined the access request');
  });

  it("the README's Vitest config runs the README's test (react-server condition)", () => {
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const { status, output } = runCommand(process.execPath, [vitest, 'run'], { cwd: appDir, env: { ...process.env, NODE_ENV: 'test' } });
    expect(status, output).toBe(0);
    expect(output).toMatch(/Tests\s+1 passed/);
  });

  it('the Next 15 middleware.ts and the own-logic proxy.ts type-check in place of proxy.ts', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const snippet of others) {
      rmSync(join(appDir, 'proxy.ts'), { force: true });
      rmSync(join(appDir, 'middleware.ts'), { force: true });
      write(snippet.file, snippet.code);
      const { status, output } = runCommand(process.execPath, [tsc, '--noEmit', '-p', appDir], { cwd: appDir });
      expect(status, `${snippet.file} ${snippet.flags.join(' ')}:\n${output}`).toBe(0);
    }
  });
});
