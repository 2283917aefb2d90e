/**
 * The sample app: sign in with Yandex, see yourself and your queues in Tracker, create an
 * issue, and let page script list issues through the proxy. Everything Tracker-related comes
 * from `@tracker-auth/express`; this file is ordinary Express.
 */
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isTrackerAuthError, SIGN_IN_ERROR_CODES, type SignInErrorCode } from '@tracker-auth/core';
import { httpStatusForError, toErrorBody } from '@tracker-auth/core/adapter';
import { credentialsFromNodeEnv } from '@tracker-auth/core/node';
import { trackerAuth, trackerErrorHandler, trackerProxy, trackerSignIn } from '@tracker-auth/express';
import { createRedisTokenStore } from '@tracker-auth/redis';
import type { SampleConfig } from './config.js';
import { errorPage, homePage, servicePage, signedOutPage, signInErrorPage, type Profile, type Queue } from './pages.js';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * CSRF defence for form posts, on top of the SameSite=Lax session cookie: the browser's
 * `Origin` (or, failing that, `Sec-Fetch-Site`) must say the form came from this app.
 */
function sameOrigin(appOrigin: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    const ok = origin !== undefined ? origin === appOrigin : site === undefined || site === 'same-origin';
    if (ok) next();
    else res.status(403).type('text/plain').send('Cross-site form posts are refused.');
  };
}

/** Build the Express app for `config` (throws ConfigurationError on bad options, at start). */
export function createApp(config: SampleConfig): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const appOrigin = new URL(config.appUrl).origin;
  // REDIS_URL set: users' tokens live in Redis (sealed with the session secret), so any instance
  // serves any browser and a refresh happens once across instances.
  const store = config.redisUrl ? createRedisTokenStore({ redis: config.redisUrl, secrets: [config.sessionSecret] }) : undefined;

  // Sign in with Yandex: GET /auth/sign-in, GET /auth/callback, POST /auth/sign-out.
  const signIn = trackerSignIn({
    clientId: config.clientId,
    clientSecret: config.clientSecret ?? '',
    redirectUri: config.redirectUri,
    org: config.org,
    sessionSecret: config.sessionSecret,
    store,
    oauthUrl: config.oauthUrl,
    // The public URL, as a production app behind a reverse proxy sets it: request URLs (the
    // Secure cookie attribute, the sign-out Origin check) are built on it, not on the Host header.
    baseUrl: config.appUrl,
    // Sign-in opened on another host than APP_URL (http://localhost:3000 for an app at
    // 127.0.0.1:3000) is redirected to APP_URL first: the sign-in cookie only comes back to the
    // host that set it. (The default; the flow compares the Host the browser sent, so `baseUrl`
    // does not hide it.)
    canonicalHost: true,
    // A failed callback (consent declined, an expired sign-in) lands on a page of this app with a
    // fixed code, instead of a JSON error body in the browser.
    errorPath: '/sign-in-error',
  });

  // Defence in depth for the server-rendered pages: scripts and styles only from this origin
  // (the page script is a file, never inline), forms only to this origin, no framing.
  app.use((_req, res, next) => {
    res.set({
      'content-security-policy': "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    });
    next();
  });
  app.use('/static', express.static(publicDir, { index: false, maxAge: '1h' }));
  app.use(signIn);

  // Browser code calls Tracker through here, as the signed-in user, with a narrow allow-list.
  app.use(
    '/api/tracker',
    trackerProxy({
      user: signIn,
      // No authorize: the default gate lets through signed-in requests this app's own pages
      // made (a cross-site or same-site page cannot ride the user's cookie).
      methods: ['GET', 'POST'],
      allowPaths: ['/v3/myself', '/v3/queues', '/v3/issues'],
      maxBodyBytes: 64 * 1024,
      trackerUrl: config.trackerUrl,
      baseUrl: config.appUrl,
    }),
  );

  // Service mode: the app's own credential (TRACKER_* variables), the same for every visitor.
  if (config.serviceEnv) {
    const { credentials, org, urls } = credentialsFromNodeEnv(config.serviceEnv);
    app.get('/service', trackerAuth({ credentials, org, client: { trackerUrl: urls.trackerUrl } }), async (req, res) => {
      const robot = (await req.tracker!.verifyAccess()) as Profile;
      const queues = await req.tracker!.client.get('queues').json<Queue[]>();
      res.type('html').send(servicePage({ mode: config.mode, profile: robot, queues }));
    });
  }

  // Where a failed sign-in lands: `?error=` is one of core's fixed codes; anything else is shown
  // as a generic failure (the query is the browser's, so it is never echoed as such).
  app.get('/sign-in-error', (req, res) => {
    const asked = typeof req.query.error === 'string' ? req.query.error : '';
    const code = (SIGN_IN_ERROR_CODES as readonly string[]).includes(asked) ? (asked as SignInErrorCode) : undefined;
    res.status(code === 'access_denied' ? 403 : 400).type('html').send(signInErrorPage({ mode: config.mode, code }));
  });

  // Every page below gets req.tracker when signed in (undefined when signed out).
  app.use(trackerAuth({ user: signIn, required: false, client: config.trackerUrl ? { trackerUrl: config.trackerUrl } : undefined }));

  app.get('/', async (req, res) => {
    if (!req.tracker) {
      res.type('html').send(signedOutPage({ mode: config.mode, demoLogin: config.demoLogin }));
      return;
    }
    // One after the other: if the first fails, no second call (and no retries of it) is left
    // running after the error page went out.
    const profile = (await req.tracker.verifyAccess()) as Profile;
    const queues = await req.tracker.client.get('queues', { searchParams: { perPage: 50 } }).json<Queue[]>();
    const created = typeof req.query.created === 'string' && /^[A-Z][A-Z0-9]*-\d+$/.test(req.query.created) ? req.query.created : undefined;
    res.type('html').send(homePage({ mode: config.mode, profile, queues, created, serviceMode: Boolean(config.serviceEnv) }));
  });

  app.post('/issues', sameOrigin(appOrigin), express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    if (!req.tracker) {
      res.redirect(303, '/auth/sign-in');
      return;
    }
    const { queue, summary, description } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof queue !== 'string' || !/^[A-Z][A-Z0-9]{0,29}$/.test(queue) || typeof summary !== 'string' || !summary.trim()) {
      res.status(400).type('html').send(errorPage({ mode: config.mode, status: 400, code: 'BAD_FORM', message: 'Pick a queue and write a summary.', signIn: false }));
      return;
    }
    const issue = await req.tracker.client
      .post('issues', { json: { queue, summary: summary.trim().slice(0, 255), description: typeof description === 'string' ? description : undefined } })
      .json<{ key: string }>();
    res.redirect(303, `/?created=${encodeURIComponent(issue.key)}`);
  });

  // Browsers get an HTML page (and a trip to sign-in when the session is gone)...
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || req.accepts(['html', 'json']) !== 'html') {
      next(error);
      return;
    }
    const status = isTrackerAuthError(error) ? httpStatusForError(error) : 500;
    if (status === 401 && req.method === 'GET') {
      res.redirect(303, '/auth/sign-in');
      return;
    }
    if (!isTrackerAuthError(error)) console.error('express-sample: unexpected error:', error instanceof Error ? error.name : typeof error);
    // The same code, message and Tracker field errors (`details`) an API caller gets as JSON:
    // tracker-auth messages never contain a secret; anything else stays generic.
    const { code, message, details } = toErrorBody(error).error;
    res.status(status).type('html').send(errorPage({ mode: config.mode, status, code, message, details, signIn: status === 401 }));
  });
  // ...and API callers the library's JSON error shape.
  app.use(trackerErrorHandler());
  return app;
}
