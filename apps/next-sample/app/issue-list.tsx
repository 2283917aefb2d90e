'use client';
/**
 * Lists issues from the browser through the proxy route (/api/tracker/v3/…). The request
 * carries only the session cookie; the token is added on the server.
 */
import { useEffect, useState } from 'react';

interface Issue {
  key: string;
  summary: string;
}

export function IssueList({ queue }: { queue: string }) {
  const [issues, setIssues] = useState<Issue[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    fetch('/api/tracker/v3/issues/_search?perPage=100', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { queue } }),
    })
      .then(async (response) => {
        if (!response.ok) throw new Error(`proxy answered ${response.status}`);
        return (await response.json()) as Issue[];
      })
      .then((list) => !cancelled && setIssues(list))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [queue]);

  if (error) return <p role="alert">Could not load issues: {error}</p>;
  if (!issues) return <p>Loading issues…</p>;
  return (
    <ul data-testid="proxy-issues">
      {issues.map((issue) => (
        <li key={issue.key}>
          <code>{issue.key}</code> {issue.summary}
        </li>
      ))}
    </ul>
  );
}
