/**
 * Runs once when `next start` boots (not during `next build`): build the Tracker wiring now, so a
 * missing variable or a bad option stops the server at startup instead of failing a request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { tracker } = await import('./lib/tracker');
  tracker();
}
