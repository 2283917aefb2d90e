/**
 * Rotated session cookies onto a Node response. A user's tokens may be refreshed by any Tracker
 * call the handler makes, so the cookies are read at the last moment: when the response writes
 * its headers, not when the request came in.
 */
import type { ServerResponse } from 'node:http';
import { serializeCookie } from '../web/cookies.js';
import type { UserAuth } from '../web/user-auth.js';

type WriteHead = ServerResponse['writeHead'];

/** `value` of a header as a list of lines (`Set-Cookie` keeps one cookie per line). */
function linesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * Add `user.cookies` (the re-sealed session after a refresh, or the clearing cookie of a dead
 * session) as `Set-Cookie` lines when `res` writes its headers, after any the handler set
 * itself. Works whether the handler calls `writeHead`, `end` or `write` first (Node writes
 * implicit headers through `writeHead`), and with headers passed to `writeHead` directly.
 *
 * @example
 * const user = await flow.userAuth(toWebRequest(req, { body: false }));
 * deliverSessionCookies(res, user);
 * // …any Tracker calls with user.auth; the response then carries the latest cookies
 */
/** The user whose cookies a wrapped response sends: one wrapper per response, the latest user wins. */
const delivering = new WeakMap<ServerResponse, Pick<UserAuth, 'cookies'>>();

export function deliverSessionCookies(res: ServerResponse, user: Pick<UserAuth, 'cookies'>): void {
  // A second call for the same response (two middlewares, a provider and a route) must not send
  // the session cookie twice: it only changes whose cookies go out.
  const wrapped = delivering.has(res);
  delivering.set(res, user);
  if (wrapped) return;
  const writeHead = res.writeHead as (...args: unknown[]) => ServerResponse;
  res.writeHead = function writeHeadWithSessionCookies(this: ServerResponse, ...args: unknown[]): ServerResponse {
    const current = delivering.get(this) ?? user;
    const lines = this.headersSent ? [] : current.cookies.map((cookie) => serializeCookie(cookie.name, cookie.value, cookie.options));
    if (lines.length > 0) {
      // Headers given to writeHead win over setHeader ones of the same name: add to them there.
      const index = typeof args[1] === 'string' ? 2 : 1;
      const given = args[index];
      if (Array.isArray(given)) {
        // Raw headers: [name, value, name, value, …].
        args[index] = [...(given as unknown[]), ...lines.flatMap((line) => ['set-cookie', line])];
      } else {
        const key = given && typeof given === 'object' ? Object.keys(given).find((name) => name.toLowerCase() === 'set-cookie') : undefined;
        if (key !== undefined) {
          args[index] = { ...(given as Record<string, unknown>), [key]: [...linesOf((given as Record<string, unknown>)[key]), ...lines] };
        } else {
          this.setHeader('set-cookie', [...linesOf(this.getHeader('set-cookie')), ...lines]);
        }
      }
    }
    return writeHead.apply(this, args);
  } as WriteHead;
}
