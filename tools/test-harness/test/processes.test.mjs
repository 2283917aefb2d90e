import { describe, expect, it } from 'vitest';
import { freePort, runCommand, runToExit, startProcess, stripAnsi } from '../index.mjs';

const node = process.execPath;

/** Whether a pid is still alive (signal 0 probes without sending anything). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid) {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe('freePort', () => {
  it('returns a port a server can listen on', async () => {
    const port = await freePort();
    const server = startProcess(node, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('up'))`]);
    await server.waitForOutput(/up/);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    await server.stop();
  });
});

describe('startProcess', () => {
  it('captures stdout and stderr and resolves the first match', async () => {
    const child = startProcess(node, ['-e', "console.error('warming'); console.log('listening on http://x:1'); setInterval(() => {}, 1000)"]);
    const [, url] = await child.waitForOutput(/listening on (http:\/\/\S+)/);
    expect(url).toBe('http://x:1');
    expect(child.output()).toContain('warming');
    await child.stop();
    expect((await child.exited).signal).toBe('SIGTERM');
  });

  it('rejects waitForOutput with the output when the process exits first', async () => {
    const child = startProcess(node, ['-e', "console.log('boom'); process.exit(3)"], { name: 'broken' });
    await expect(child.waitForOutput(/never/)).rejects.toThrow(/broken exited early \(code 3\):\nboom/);
  });

  it('stops the whole process group, and SIGKILLs what ignores SIGTERM', async () => {
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      process.on('SIGTERM', () => {});
      console.log('grandchild ' + grandchild.pid);
      setInterval(() => {}, 1000);`;
    const child = startProcess(node, ['-e', script], { graceMs: 300 });
    const [, pid] = await child.waitForOutput(/grandchild (\d+)/);
    await child.stop();
    expect((await child.exited).signal).toBe('SIGKILL');
    expect(await gone(Number(pid))).toBe(true);
  });

  it('waitForHttp resolves on any HTTP answer and fails with the output when the process exits', async () => {
    const port = await freePort();
    const server = startProcess(node, ['-e', `require('node:http').createServer((q, s) => { s.statusCode = 404; s.end(); }).listen(${port}, '127.0.0.1')`]);
    await server.waitForHttp(`http://127.0.0.1:${port}/missing`);
    await server.stop();
    const quitter = startProcess(node, ['-e', "console.log('bad config'); process.exit(1)"], { name: 'quitter' });
    await expect(quitter.waitForHttp(`http://127.0.0.1:${port}/`)).rejects.toThrow(/quitter exited with 1:\nbad config/);
  });
});

describe('runToExit / runCommand', () => {
  it('keeps stdout and stderr apart and reports the exit code', async () => {
    const result = await runToExit(node, ['-e', "process.stdout.write('out'); process.stderr.write('err'); process.exitCode = 4"]);
    expect(result).toMatchObject({ code: 4, signal: null, stdout: 'out', stderr: 'err' });
  });

  it('sends the timeout signal to a process that does not end', async () => {
    const result = await runToExit(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200, timeoutSignal: 'SIGTERM' });
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('runCommand never throws and strips colours from the joined output', () => {
    const result = runCommand(node, ['-e', "console.log('\\u001b[31mred\\u001b[0m'); process.exit(2)"]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('\u001b[31m');
    expect(result.output).toBe('red\n\n');
    expect(stripAnsi('\u001b[1;32mok\u001b[0m')).toBe('ok');
  });
});
