// @ts-check
// The copy check on fixture sources (never the real tree, which changes under it): it must
// find a copied block, and must not count what every adapter legitimately shares.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCopies, formatCopy, significantLines } from '../adapter-copies.mjs';

const rule = [
  "const allowed = options.allowed ?? ['/v2/', '/v3/'];",
  'if (!allowed.some((prefix) => path.startsWith(prefix))) {',
  "  throw new ProxyPathError('path is outside the allowed prefixes');",
  '}',
  'const target = new URL(path, options.baseUrl);',
  "target.searchParams.delete('token');",
  'const headers = await auth.headers({ signal });',
  'return forward(target, headers);',
];

/** @param {string} pkg @param {string} name @param {string[]} body */
const file = (pkg, name, body) => ({ pkg, path: `packages/${pkg}/src/${name}`, text: body.join('\n') });

describe('adapter-copies', () => {
  it('finds a block copied between two adapters, with both places and line ranges', () => {
    const copies = findCopies([
      file('express', 'proxy.ts', ["import { x } from '@tracker-auth/core';", '', 'export function a() {', ...rule.map((l) => `  ${l}`), '}']),
      file('next', 'route.ts', ['// the Next side', 'export const b = async () => {', ...rule.map((l) => `    ${l}`), '};']),
    ]);
    assert.equal(copies.length, 1);
    const [copy] = copies;
    assert.ok(copy);
    // 7 significant lines of the rule (its lone `}` is skipped), indentation ignored.
    assert.equal(copy.lines, 7);
    assert.deepEqual(copy.a, { path: 'packages/express/src/proxy.ts', from: 4, to: 11 });
    assert.deepEqual(copy.b, { path: 'packages/next/src/route.ts', from: 3, to: 10 });
    assert.match(formatCopy(copy), /packages\/express\/src\/proxy\.ts:4-11 .* packages\/next\/src\/route\.ts:3-10\s+\(7 lines\)/);
  });

  it('sees through blank lines and punctuation-only lines put between the copied ones', () => {
    const spaced = rule.flatMap((l) => [l, '', '});']);
    const copies = findCopies([file('nestjs', 'a.ts', rule), file('express', 'b.ts', spaced)]);
    assert.equal(copies.length, 1);
  });

  it('does not report five shared lines, nor six within one adapter', () => {
    const five = rule.filter((l) => l !== '}').slice(0, 5);
    assert.deepEqual(findCopies([file('express', 'a.ts', five), file('nestjs', 'b.ts', five)]), []);
    assert.deepEqual(findCopies([file('next', 'a.ts', rule), file('next', 'b.ts', rule)]), []);
  });

  it('does not count imports, re-exports or braces as shared lines', () => {
    const shape = [
      'import {',
      '  createTrackerAuth,',
      '  type TrackerAuth,',
      "} from '@tracker-auth/core';",
      "import type { Request } from 'node:http';",
      "export { trackerErrorHandler } from './error-handler.js';",
      "export type { TrackerClient } from '@tracker-auth/core';",
      '});',
      '}',
      '],',
      ' */',
    ];
    assert.deepEqual(significantLines(shape.join('\n')), []);
    assert.deepEqual(findCopies([file('express', 'index.ts', shape), file('next', 'index.ts', shape)]), []);
  });

  it('still counts a local export list and the code after a multi-line import', () => {
    const lines = significantLines(['import {', '  a,', "} from 'x';", 'export { a, b };', 'const c = 1;'].join('\n'));
    assert.deepEqual(lines, [{ text: 'export { a, b };', line: 4 }, { text: 'const c = 1;', line: 5 }]);
  });
});
