import { tracker } from '../lib/tracker';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const service = await (await tracker().getTrackerClient({ as: 'service' })).get('myself').json();
  const session = await tracker().getSession();
  const user = session ? await (await tracker().getTrackerClient()).get('myself').json() : undefined;
  return (
    <main>
      <p id="service">{`service:${service.login}`}</p>
      <p id="user">{user ? `user:${user.login}` : 'signed-out'}</p>
    </main>
  );
}
