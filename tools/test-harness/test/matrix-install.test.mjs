import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLockedInstall } from '../index.mjs';

const dir = mkdtempSync(join(tmpdir(), 'test-harness-matrix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureLockedInstall', () => {
  it('runs npm ci once, stamps the lock hash, and skips while the lock is unchanged', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'leg', version: '1.0.0', private: true }));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'leg', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'leg', version: '1.0.0' } } }));
    ensureLockedInstall(dir, 'a test leg');
    const stamp = join(dir, 'node_modules', '.tracker-auth-stamp');
    expect(readFileSync(stamp, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    // A marker npm ci would remove: its survival shows the second call did not reinstall.
    const marker = join(dir, 'node_modules', 'marker');
    writeFileSync(marker, '');
    ensureLockedInstall(dir, 'a test leg');
    expect(existsSync(marker)).toBe(true);
  });

  it('names the leg when npm ci fails', () => {
    writeFileSync(join(dir, 'package-lock.json'), '{ not json');
    expect(() => ensureLockedInstall(dir, 'a test leg')).toThrow(/npm ci for a test leg failed/);
  });
});
