import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { unstable_rethrow } from 'next/navigation';

describe('test matrix', () => {
  it('loads the Next.js major this leg is for', async () => {
    // `next/package.json` goes through the same alias as the adapter's `next/*` imports.
    const pkg = (await import('next/package.json')) as unknown as { default: { version: string } };
    expect(pkg.default.version.split('.')[0]).toBe(process.env.NEXT_MAJOR);
    expect(typeof unstable_rethrow).toBe('function');
  });

  it('resolves the real server-only marker for client bundles', () => {
    // Outside the react-server condition, `server-only` throws on import: that is what makes a
    // client component importing @tracker-auth/next fail to build.
    const require = createRequire(import.meta.url);
    expect(() => require('server-only')).toThrow(/Client Component/);
  });
});
