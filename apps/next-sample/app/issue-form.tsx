'use client';
/**
 * The issue form: posts to the `createIssue` server action and shows what went wrong on the
 * page (a missing field, or what Tracker answered, such as its 422 field errors) instead of
 * Next's error page. Success redirects to the new issue.
 */
import { useActionState } from 'react';
import { createIssue, type IssueFormState } from './actions';

export function IssueForm({ queues, defaultQueue }: { queues: string[]; defaultQueue: string }) {
  const [state, action, pending] = useActionState<IssueFormState, FormData>(createIssue, undefined);
  const details = state?.details ? Object.entries(state.details.errors) : [];
  return (
    <form action={action}>
      {state ? (
        <div role="alert" data-testid="action-error">
          <p>{state.message}</p>
          {details.length > 0 ? (
            <ul>
              {details.map(([field, message]) => (
                <li key={field}>
                  <code>{field}</code>: {message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <select name="queue" defaultValue={defaultQueue} aria-label="Queue">
        {queues.map((queue) => (
          <option key={queue} value={queue}>
            {queue}
          </option>
        ))}
      </select>{' '}
      <input name="summary" placeholder="Summary" aria-label="Summary" required />{' '}
      <button type="submit" disabled={pending}>
        Create issue
      </button>
    </form>
  );
}
