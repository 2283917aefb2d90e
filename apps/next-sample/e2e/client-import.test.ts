/**
 * `@tracker-auth/next` is server-only: e2e/client-import is a tiny app whose client component
 * imports it, and Next 16's `next build` must refuse it (the Next 15 leg of packages/next checks
 * the same with webpack).
 */
import { expect, it } from 'vitest';
import { buildOther } from './processes';

it('a client component importing @tracker-auth/next fails next build', () => {
  const { status, output } = buildOther('e2e/client-import');
  expect(status).not.toBe(0);
  expect(output).toContain("'server-only' cannot be imported from a Client Component module");
  expect(output).toContain('packages/next/dist/index.js');
});
