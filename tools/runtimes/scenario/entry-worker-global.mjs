// A Worker that builds everything at global scope (module evaluation), the usual way to keep one
// token cache per isolate, and shares it across requests: workerd forbids I/O and random values
// at global scope and I/O objects across requests, so this checks that construction does
// neither and that one refresh in flight serves concurrent requests.
/* global SCENARIO_INPUT */
import { createOAuthFlow, createTrackerAuth, createTrackerClient, iamFromServiceAccountKey, verifyAccess } from '@tracker-auth/core';

/** Bundled in as a constant (esbuild `define`): a Worker's config known at build time. */
const input = /** @type {import('./scenario.mjs').ScenarioInput} */ (/** @type {unknown} */ (SCENARIO_INPUT));

const auth = createTrackerAuth({
  credentials: iamFromServiceAccountKey({ key: input.serviceAccountKey, iamUrl: input.fakeUrl }),
  org: { cloudOrgId: input.cloudOrgId },
});
const tracker = createTrackerClient(auth, { trackerUrl: input.fakeUrl });
// canonicalHost: false because miniflare's dispatchFetch delivers requests with its own loopback
// address as `Host` (on Cloudflare, `Host` is the app's host), which the sign-in host check reads.
const flow = createOAuthFlow({
  ...input.app,
  org: { orgId: input.orgId },
  sessionSecret: input.sessionSecret,
  oauthUrl: input.fakeUrl,
  canonicalHost: false,
});

export default {
  /** @param {Request} request */
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/auth/sign-in') return flow.signIn(request);
    const me = await verifyAccess(tracker);
    return Response.json({ login: me.login });
  },
};
