/**
 * Runs once when `next start` boots (not during `next build`): check the Tracker wiring now, so a
 * missing variable or a bad option stops the server at startup instead of failing requests.
 * The check lives in a Node-only module, as Next compiles this file for the Edge runtime too.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./lib/startup-check');
}
