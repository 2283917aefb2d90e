/**
 * Home: a server component. Signed out, it offers "Sign in with Yandex"; signed in, it shows
 * the user and their queues (read on the server with the user's token), a form whose server
 * action creates an issue, and a client component listing issues through the proxy.
 */
import { signIn } from './actions';
import { IssueForm } from './issue-form';
import { IssueList } from './issue-list';
import { tracker } from '../lib/tracker';

export const dynamic = 'force-dynamic';

interface Queue {
  key: string;
  name: string;
}

export default async function Home({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const session = await tracker().getSession();
  if (!session) {
    return (
      <main>
        <h1>Yandex Tracker · Next.js sample</h1>
        <p data-testid="signed-out">You are not signed in.</p>
        <form action={signIn}>
          <button type="submit">Sign in with Yandex</button>
        </form>
      </main>
    );
  }

  // A session that can no longer be refreshed sends the browser through sign-in again.
  const client = await tracker().getTrackerClient({ onSignInRequired: 'redirect' });
  const [me, queues] = await Promise.all([
    client.get('myself').json<{ login: string; display?: string }>(),
    client.get('queues').json<Queue[]>(),
  ]);
  const created = typeof params.created === 'string' ? params.created : undefined;
  const createdIssue = created ? await client.get(`issues/${encodeURIComponent(created)}`).json<{ key: string; summary: string }>() : undefined;
  const firstQueue = queues[0]?.key ?? '';
  // The app's own credential (service mode), when one is configured: same helper, other client.
  const service = tracker().hasService
    ? await (await tracker().getTrackerClient({ as: 'service' })).get('myself').json<{ login: string }>()
    : undefined;

  return (
    <main>
      <h1>Yandex Tracker · Next.js sample</h1>
      <p>
        Signed in as <strong data-testid="login">{me.login}</strong>
        {me.display ? ` (${me.display})` : ''}
      </p>
      {service ? (
        <p>
          App service account: <strong data-testid="service-login">{service.login}</strong>
        </p>
      ) : null}
      <form action="/api/auth/sign-out" method="post">
        <button type="submit">Sign out</button>
      </form>

      <h2>Your queues</h2>
      <ul data-testid="queues">
        {queues.map((queue) => (
          <li key={queue.key}>
            <code>{queue.key}</code> {queue.name}
          </li>
        ))}
      </ul>

      <h2>New issue (server action)</h2>
      {createdIssue ? (
        <p data-testid="created">
          Created <code>{createdIssue.key}</code>: {createdIssue.summary}
        </p>
      ) : null}
      <IssueForm queues={queues.map((queue) => queue.key)} defaultQueue={firstQueue} />

      <h2>Issues in {firstQueue} (client component, through the proxy)</h2>
      {firstQueue ? <IssueList key={created ?? 'initial'} queue={firstQueue} /> : <p>No queues.</p>}
    </main>
  );
}
