'use server';
/**
 * Server actions: they run on the server with the signed-in user's Tracker client, so the
 * browser only ever posts the form and receives the re-rendered page.
 */
import { redirect } from 'next/navigation';
import { isTrackerAuthError } from '@tracker-auth/core';
import { toErrorBody, type WebErrorDetails } from '@tracker-auth/core/adapter';
import { tracker } from '../lib/tracker';

/** What the issue form shows after a failed attempt (`undefined`: nothing to show). */
export type IssueFormState = { message: string; details?: WebErrorDetails | undefined } | undefined;

/**
 * Create an issue in the chosen queue, then show it on the home page. A missing field or a
 * refusal by Tracker comes back as the form's state, shown on the page.
 */
export async function createIssue(_previous: IssueFormState, formData: FormData): Promise<IssueFormState> {
  const queue = String(formData.get('queue') ?? '');
  const summary = String(formData.get('summary') ?? '').trim();
  if (!queue || !summary) return { message: 'Choose a queue and write a summary.' };
  // Not signed in (any more)? getTrackerClient sends the browser to sign in; Next's redirect
  // travels through the helper untouched.
  const client = await tracker().getTrackerClient({ onSignInRequired: 'redirect' });
  let key: string;
  try {
    key = (await client.post('issues', { json: { queue, summary } }).json<{ key: string }>()).key;
  } catch (error) {
    // tracker-auth errors are written to be shown (no token, no upstream origin): what Tracker
    // said, e.g. "Tracker answered HTTP 422: POST /v3/issues: queue: Queue does not exist".
    // Anything else stays Next's error page.
    if (!isTrackerAuthError(error)) throw error;
    const { message, details } = toErrorBody(error).error;
    return { message, details };
  }
  redirect(`/?created=${encodeURIComponent(key)}`);
}

/** "Sign in with Yandex": sets the login cookie through Next's cookie API, then goes to Yandex. */
export async function signIn(): Promise<void> {
  await tracker().signIn({ returnTo: '/' });
}
