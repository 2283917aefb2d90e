/**
 * A real `redis-server` for tests: own process on a free port, a temp dir, no persistence, no
 * daemon. Tests fail with a clear message when Debian's redis-server package is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, type StartedProcess } from '@tracker-auth-tools/test-harness';

export interface TestRedis {
  port: number;
  url: string;
  /** Stop the server (keeping the port for a restart). */
  stop(): Promise<void>;
  /** Start it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** `redis-cli -p <port> <args>` output. */
  cli(...args: string[]): string;
  /** Stop for good and remove the temp dir. */
  close(): Promise<void>;
}

function requireBinary(name: string): void {
  const found = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(`${name} not found: these tests start a real Redis. Install Debian's package: apt-get install -y redis-server`);
  }
}

export async function startRedis(): Promise<TestRedis> {
  requireBinary('redis-server');
  requireBinary('redis-cli');
  const dir = mkdtempSync(join(tmpdir(), 'tracker-auth-redis-'));
  const port = await freePort();
  let server: StartedProcess | undefined;

  async function start(): Promise<void> {
    server = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { name: 'redis-server', graceMs: 3000 });
    await server.waitForOutput(/Ready to accept connections/);
  }
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    start,
    cli(...args) {
      const result = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    },
    async close() {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
