// The fake Yandex as its own process, started by the e2e harness with child_process.fork.
// It reports { type: 'ready', url, demo } and then answers control messages over IPC, so tests
// can read call counters and the request log of a fake they do not share memory with.
import { startFakeYandex } from '@tracker-auth/testing';

const redirectUris = JSON.parse(process.argv[2] ?? '[]');
const fake = await startFakeYandex({ port: 0, demoRedirectUris: redirectUris });

const commands = {
  count: (endpoint) => fake.calls.count(endpoint),
  requests: () => fake.requests.map(({ endpoint, method, path, status }) => ({ endpoint, method, path, status })),
  reset: () => fake.calls.reset(),
  inject: (endpoint, fault) => void fake.faults.inject(endpoint, fault),
  clear: () => fake.faults.clear(),
  advance: (ms) => fake.clock.advance(ms),
  // true: /authorize sends the user back with error=access_denied, as when consent is declined.
  denyConsent: (on) => fake.oauth.setAuthorizeHook(on ? () => 'deny' : undefined),
};

process.on('message', async ({ id, command, args }) => {
  try {
    const result = await commands[command](...(args ?? []));
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.message ?? error) });
  }
});
process.on('disconnect', () => void fake.close().finally(() => process.exit(0)));
process.send({ type: 'ready', url: fake.url, demo: { orgId: fake.demo.orgId, user: fake.demo.user, app: fake.demo.app, oauthToken: fake.demo.oauthToken } });
