// Helpers of the release check: processes, a throwaway registry, temp projects.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess as startHarnessProcess } from '@tracker-auth-tools/test-harness';

export { freePort } from '@tracker-auth-tools/test-harness';

export const log = (...args) => console.log('[release-check]', ...args);

/** Run a command, streaming output with a prefix; reject on non-zero exit. */
export function run(command, args, { cwd, env = {}, quiet = false, timeoutMs = 10 * 60_000, expectFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else {
        if (quiet && !expectFailure) process.stdout.write(output.slice(-6000));
        reject(Object.assign(new Error(`${command} ${args.join(' ')} exited with ${code} (cwd ${cwd ?? process.cwd()})`), { output }));
      }
    });
  });
}

/**
 * Start a long-running process in its own process group (the test harness's `startProcess`:
 * `stop()` SIGTERMs the group, SIGKILL after 5 s; `waitForHttp(url)` fails with the output if
 * it exits first). `env` is added to ours, and an exit we did not ask for is logged with the
 * output, so a registry that dies mid-publish says why.
 */
export function startProcess(command, args, { cwd, env = {}, name = command } = {}) {
  const proc = startHarnessProcess(command, args, { cwd, env: { ...process.env, ...env }, name });
  let stopping = false;
  void proc.exited.then(({ code, signal }) => {
    if (!stopping && code !== 0) log(`${name} exited with ${code ?? signal}:\n${proc.output().slice(-4000)}`);
  });
  return {
    ...proc,
    stop() {
      stopping = true;
      return proc.stop();
    },
  };
}

/**
 * A throwaway npm registry (verdaccio) on 127.0.0.1 with no uplinks: it holds only what we
 * publish. Consumers point only the @tracker-auth scope at it, everything else comes from
 * the regular registry.
 */
export async function startRegistry(dir, verdaccioBin) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@tracker-auth/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}/`;
  const proc = startProcess(process.execPath, [verdaccioBin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    name: 'verdaccio',
  });
  await proc.waitForHttp(`${url}-/ping`);
  // npm publish needs an authenticated user: create one through the registry's user API.
  const response = await fetch(`${url}-/user/org.couchdb.user:release-check`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release-check', password: `pw-${Date.now()}-${Math.random()}`, type: 'user', roles: [] }),
  });
  const body = await response.json();
  if (!body.token) throw new Error(`registry refused to create the publish user: ${response.status}`);
  const npmrc = join(dir, 'publish.npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${body.token}\n`);
  return { url, port, npmrc, stop: () => proc.stop(), output: proc.output };
}

/** Write a JSON file with a trailing newline. */
export function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
