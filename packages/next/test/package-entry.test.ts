/**
 * The built entry in plain Node, as a consumer's tooling loads it: under the `react-server`
 * condition (Next's server layer) it loads as ESM and CJS without pulling in Next's client
 * code; without that condition, `server-only` refuses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const EXPORTS = ['DEFAULT_TRACKER_ROUTE_BASE_PATH', 'createOAuthRouteHandlers', 'createSessionRefresher', 'createTrackerRouteHandler', 'createTrackerServerHelpers'];

function node(args: string[]): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, args, { cwd: pkgDir, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe.runIf(process.env.NEXT_MAJOR === '16')('the built entry (dist)', () => {
  it('exists (the test target builds it first)', () => {
    expect(existsSync(`${pkgDir}dist/index.js`)).toBe(true);
  });

  it.each([
    ['ESM', ['--input-type=module', '-e', "const m = await import('@tracker-auth/next'); console.log(JSON.stringify(Object.keys(m).sort()))"]],
    ['CJS', ['-e', "console.log(JSON.stringify(Object.keys(require('@tracker-auth/next')).sort()))"]],
  ])('loads as %s under the react-server condition with exactly the chosen exports', (_format, args) => {
    const { status, out } = node(['--conditions=react-server', ...args]);
    expect(status, out).toBe(0);
    expect(JSON.parse(out.trim())).toEqual(EXPORTS);
  });

  it('refuses to load without the react-server condition (a client bundle)', () => {
    const { status, out } = node(['--input-type=module', '-e', "await import('@tracker-auth/next')"]);
    expect(status).not.toBe(0);
    expect(out).toContain('cannot be imported from a Client Component module');
  });
});
