/**
 * The three sign-in routes by name, for adapters that mount them under one path (Express's
 * middleware, Nest's controller, a Next.js `[action]` route): the name picks the flow's handler,
 * the flow itself judges the method (405 with `Allow`), and an unknown name is a 404 answer in
 * core's error shape, the same in every adapter.
 */
import { jsonError } from './error-response.js';
import type { OAuthFlow } from './oauth-flow-types.js';

/** The route names of the sign-in flow, as they appear in URLs. */
export const SIGN_IN_ACTIONS = ['sign-in', 'callback', 'sign-out'] as const;

/** One of {@link SIGN_IN_ACTIONS}. */
export type SignInAction = (typeof SIGN_IN_ACTIONS)[number];

/**
 * Answer `request` with the flow's handler for `action` (`sign-in` → `flow.signIn`, `callback`,
 * `sign-out` → `flow.signOut`), or a 404 JSON answer for any other name.
 *
 * @example
 * // app/api/auth/[action]/route.ts
 * export const GET = (request: Request, { params }) => params.then(({ action }) => handleSignInAction(flow, action, request));
 */
export function handleSignInAction(flow: OAuthFlow, action: string, request: Request): Promise<Response> {
  if (action === 'sign-in') return flow.signIn(request);
  if (action === 'callback') return flow.callback(request);
  if (action === 'sign-out') return flow.signOut(request);
  return Promise.resolve(jsonError(404, 'NOT_FOUND', 'Not found.'));
}
