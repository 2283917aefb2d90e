'use server';
/**
 * Server actions: they run on the server with the signed-in user's Tracker client, so the
 * browser only ever posts the form and receives the re-rendered page.
 */
import { redirect } from 'next/navigation';
import { tracker } from '../lib/tracker';

/** Create an issue in the chosen queue, then show it on the home page. */
export async function createIssue(formData: FormData): Promise<void> {
  const queue = String(formData.get('queue') ?? '');
  const summary = String(formData.get('summary') ?? '').trim();
  if (!queue || !summary) redirect('/?error=missing-fields');
  // Not signed in (any more)? getTrackerClient sends the browser to sign in; Next's redirect
  // travels through the helper untouched.
  const client = await tracker().getTrackerClient({ onSignInRequired: 'redirect' });
  const issue = await client.post('issues', { json: { queue, summary } }).json<{ key: string }>();
  redirect(`/?created=${encodeURIComponent(issue.key)}`);
}

/** "Sign in with Yandex": sets the login cookie through Next's cookie API, then goes to Yandex. */
export async function signIn(): Promise<void> {
  await tracker().signIn({ returnTo: '/' });
}
