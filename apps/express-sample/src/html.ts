/**
 * Server-rendered HTML of the sample. Every interpolated value goes through `html` tagged
 * templates, which escape by default: Tracker data (issue summaries, user names) is
 * user-controlled, so nothing is ever inserted raw.
 */

/** A piece of markup that is already safe (built by `html`), so it is not escaped twice. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

/** Tagged template: interpolations are escaped unless they are {@link SafeHtml} (or arrays of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** The page frame. */
export function layout(title: string, body: SafeHtml, options: { mode: string }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · tracker-auth Express sample</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header><strong>tracker-auth</strong> Express sample <span class="mode">${options.mode === 'fake' ? 'against the fake Yandex' : 'against Yandex'}</span></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
