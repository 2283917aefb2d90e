// Framework apps built from the INSTALLED packages (not workspace links), one per framework
// major each package declares as a peer: Express 4/5, NestJS 11/12 (CommonJS-compiled), Next
// 15/16 (next build + next start). Each makes a request through the package to the fake Yandex
// of the installed @tracker-auth/testing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, log, run, startProcess, writeJson } from './lib.mjs';

const TS = { typescript: '~5.9.3', '@types/node': '^20.19.0' };

/** Checks that one consumer's server answers through the package with the fake's user. */
async function expectLogin(url, expectedLogin, what) {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text);
  if (body.login !== expectedLogin) throw new Error(`${what}: expected login ${expectedLogin}, got ${text.slice(0, 300)}`);
  return body;
}

function installedMajor(dir, name) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version.split('.')[0];
}

const EXPRESS_APP = `import assert from 'node:assert/strict';
import { get } from 'node:http';
import express from 'express';
import { createTrackerAuth, oauthToken } from '@tracker-auth/core';
import { trackerAuth, trackerErrorHandler, trackerProxy } from '@tracker-auth/express';
import { startFakeYandex } from '@tracker-auth/testing';

const fake = await startFakeYandex();
const app = express();
const auth = createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } });
const service = trackerAuth({ auth, client: { trackerUrl: fake.url } });
app.get('/me', service, async (req, res, next) => {
  try {
    res.json({ login: (await req.tracker.verifyAccess()).login });
  } catch (error) {
    next(error);
  }
});
app.use('/api/tracker', trackerProxy({ auth, trackerUrl: fake.url, allowAnonymous: true }));
app.use(trackerErrorHandler());
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  try {
    const me = await fetch(base + '/me').then((r) => r.json());
    assert.equal(me.login, fake.demo.user.login);
    const viaProxy = await fetch(base + '/api/tracker/v3/myself');
    assert.equal(viaProxy.status, 200, 'proxy status');
    assert.equal((await viaProxy.json()).login, fake.demo.user.login);
    // node:http sends the path as written (fetch would resolve %2e%2e before sending).
    const status = await new Promise((resolve, reject) => {
      // An options object, not a URL string: a string would go through new URL() and be resolved too.
      get({ host: '127.0.0.1', port: server.address().port, path: '/api/tracker/v3/%2e%2e/%2e%2e/etc' }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
    });
    assert.equal(status, 400, 'encoded traversal is refused');
    console.log('express consumer ok', me.login);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    server.close();
    server.closeAllConnections?.();
    await fake.close();
  }
});
`;

async function expressConsumer({ work, registryUrl, version, createProject, npmInstall }, major) {
  const dir = join(work, `express${major}`);
  createProject(dir, registryUrl, {
    name: `consumer-express${major}`,
    dependencies: { '@tracker-auth/core': version, '@tracker-auth/express': version, '@tracker-auth/testing': version, express: `^${major}.0.0` },
  });
  writeFileSync(join(dir, 'app.mjs'), EXPRESS_APP);
  await npmInstall(dir);
  const loaded = installedMajor(dir, 'express');
  if (loaded !== String(major)) throw new Error(`expected express ${major}, installed ${loaded}`);
  await run(process.execPath, ['app.mjs'], { cwd: dir, quiet: true, timeoutMs: 60_000 });
  log(`express ${major}: installed app served /me and the proxy through the packages`);
}

const NEST_MAIN = `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { oauthToken } from '@tracker-auth/core';
import { TrackerAuthModule, TrackerService } from '@tracker-auth/nestjs';
import { startFakeYandex } from '@tracker-auth/testing';

async function main(): Promise<void> {
  const fake = await startFakeYandex();

  @Controller()
  class MeController {
    constructor(private readonly tracker: TrackerService) {}
    @Get('me')
    async me(): Promise<{ login: string }> {
      const user = await this.tracker.verifyAccess();
      return { login: user.login };
    }
  }

  @Module({
    imports: [
      TrackerAuthModule.forRootAsync({
        useFactory: () => ({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId }, client: { trackerUrl: fake.url } }),
      }),
    ],
    controllers: [MeController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const body = (await (await fetch(url.replace('[::1]', '127.0.0.1') + '/me')).json()) as { login: string };
  if (body.login !== fake.demo.user.login) throw new Error('unexpected answer ' + JSON.stringify(body));
  console.log('nest consumer ok', body.login, 'module type', typeof module);
  await app.close();
  await fake.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

async function nestConsumer({ work, registryUrl, version, createProject, npmInstall }, major) {
  const dir = join(work, `nest${major}`);
  createProject(dir, registryUrl, {
    name: `consumer-nest${major}`,
    type: 'commonjs',
    dependencies: {
      '@tracker-auth/core': version,
      '@tracker-auth/nestjs': version,
      '@tracker-auth/testing': version,
      '@nestjs/common': `^${major}.0.0`,
      '@nestjs/core': `^${major}.0.0`,
      '@nestjs/platform-express': `^${major}.0.0`,
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.1',
    },
    devDependencies: TS,
  });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'main.ts'), NEST_MAIN);
  // The common NestJS setup: CommonJS output, decorators with metadata, node10-style resolution.
  writeJson(join(dir, 'tsconfig.json'), {
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'node10',
      target: 'es2022',
      outDir: 'dist',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      types: ['node'],
      lib: ['es2023', 'dom'],
    },
    include: ['src'],
  });
  await npmInstall(dir);
  const loaded = installedMajor(dir, '@nestjs/core');
  if (loaded !== String(major)) throw new Error(`expected @nestjs/core ${major}, installed ${loaded}`);
  await run(join(dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir, quiet: true });
  const out = await run(process.execPath, ['dist/main.js'], { cwd: dir, quiet: true, timeoutMs: 60_000 });
  if (!out.includes('module type object')) throw new Error(`nest ${major}: the app did not run as CommonJS:\n${out}`);
  log(`nest ${major}: CommonJS-compiled app resolved TrackerService and answered /me`);
}

const NEXT_ROUTE = `import { createTrackerAuth, oauthToken } from '@tracker-auth/core';
import { createTrackerRouteHandler } from '@tracker-auth/next';

// Built at request time: next build must not need the fake's values.
let handlers: ReturnType<typeof createTrackerRouteHandler> | undefined;
function route() {
  handlers ??= createTrackerRouteHandler({
    auth: createTrackerAuth({ credentials: oauthToken(process.env.FAKE_OAUTH_TOKEN!), org: { orgId: process.env.FAKE_ORG_ID! } }),
    trackerUrl: process.env.FAKE_URL,
    allowAnonymous: true,
  });
  return handlers;
}
export const GET = (request: Request) => route().GET(request);
export const dynamic = 'force-dynamic';
`;

async function nextConsumer({ work, registryUrl, version, createProject, npmInstall }, major) {
  const dir = join(work, `next${major}`);
  createProject(dir, registryUrl, {
    name: `consumer-next${major}`,
    dependencies: {
      '@tracker-auth/core': version,
      '@tracker-auth/next': version,
      '@tracker-auth/testing': version,
      next: `^${major}.0.0`,
      react: '^19.0.0',
      'react-dom': '^19.0.0',
    },
    devDependencies: { ...TS, '@types/react': '^19.0.0' },
  });
  mkdirSync(join(dir, 'app', 'api', 'tracker', '[...path]'), { recursive: true });
  writeFileSync(join(dir, 'app', 'layout.tsx'), `export default function Layout({ children }: { children: React.ReactNode }) {\n  return (<html><body>{children}</body></html>);\n}\n`);
  writeFileSync(join(dir, 'app', 'page.tsx'), `export default function Page() {\n  return <p>consumer</p>;\n}\n`);
  writeFileSync(join(dir, 'app', 'api', 'tracker', '[...path]', 'route.ts'), NEXT_ROUTE);
  writeFileSync(join(dir, 'next.config.mjs'), `export default { outputFileTracingRoot: import.meta.dirname };\n`);
  writeJson(join(dir, 'tsconfig.json'), {
    compilerOptions: { target: 'es2022', lib: ['dom', 'es2023'], module: 'esnext', moduleResolution: 'bundler', jsx: 'preserve', strict: true, noEmit: true, skipLibCheck: true, isolatedModules: true, esModuleInterop: true, resolveJsonModule: true, allowJs: false, incremental: false, plugins: [{ name: 'next' }] },
    include: ['next-env.d.ts', '**/*.ts', '**/*.tsx'],
    exclude: ['node_modules'],
  });
  await npmInstall(dir);
  const loaded = installedMajor(dir, 'next');
  if (loaded !== String(major)) throw new Error(`expected next ${major}, installed ${loaded}`);
  const env = { NEXT_TELEMETRY_DISABLED: '1' };
  await run(join(dir, 'node_modules/.bin/next'), ['build'], { cwd: dir, quiet: true, env, timeoutMs: 8 * 60_000 });
  const fakePort = await freePort();
  const fake = startProcess(join(dir, 'node_modules/.bin/tracker-auth-fake'), ['--port', String(fakePort), '--json'], { cwd: dir, name: 'fake' });
  await fake.waitForHttp(`http://127.0.0.1:${fakePort}/v3/myself`);
  const demo = JSON.parse(fake.output().trim().split('\n').find((l) => l.startsWith('{')));
  const port = await freePort();
  const server = startProcess(join(dir, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    name: `next ${major}`,
    env: { ...env, FAKE_URL: `http://127.0.0.1:${fakePort}`, FAKE_OAUTH_TOKEN: demo.oauthToken, FAKE_ORG_ID: demo.orgId },
  });
  try {
    await server.waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 60_000 });
    const login = demo.user.login;
    await expectLogin(`http://127.0.0.1:${port}/api/tracker/v3/myself`, login, `next ${major}`);
  } finally {
    await server.stop();
    await fake.stop();
  }
  log(`next ${major}: next build + next start of an installed consumer proxied /v3/myself to the fake`);
}

export async function frameworkChecks(context) {
  const { want } = context;
  if (want('express')) for (const major of [4, 5]) await expressConsumer(context, major);
  if (want('nest')) for (const major of [11, 12]) await nestConsumer(context, major);
  if (want('next')) for (const major of [15, 16]) await nextConsumer(context, major);
}
