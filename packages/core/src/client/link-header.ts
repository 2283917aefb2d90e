/**
 * Reading Tracker's paging headers: RFC 8288 `Link` (rel `next` and `seek`, docs/yandex-api.md 1.6)
 * and turning a link into a path for the client.
 */

/** The targets of a `Link` header by relation (`next`, `seek`, `first`, …); the first one wins. */
export function parseLinkHeader(value: string | null): Map<string, string> {
  const links = new Map<string, string>();
  // `<target>` may hold commas and semicolons, so targets are matched whole before the params.
  for (const match of (value ?? '').matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]!);
    for (const name of (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)) {
      if (name && !links.has(name)) links.set(name, match[1]!);
    }
  }
  return links;
}

/** The API version segment Tracker's paths start with (docs/yandex-api.md 1.1), and the rest. */
const VERSION_SEGMENT = /\/v[23]\/(.+)/;

/**
 * A link target as a path relative to the client's `prefixUrl` (`${trackerUrl}/${apiVersion}/`),
 * or undefined when it names no Tracker API path.
 *
 * Only the path after the API version segment and the query are kept, as the Python client
 * keeps only path and query: the link's scheme, host and port are dropped, so a `Link` can never
 * send the client's credential to another origin, and links still work when the app reaches
 * Tracker through a proxy whose origin (or path prefix) differs from the one Tracker printed.
 */
export function clientPathFromLink(target: string, base: string): string | undefined {
  try {
    const url = new URL(target, base);
    const rest = VERSION_SEGMENT.exec(url.pathname)?.[1];
    return rest && rest + url.search;
  } catch {
    return undefined;
  }
}

/**
 * A `seek` template (`…?perPage=50{&page}`, RFC 6570 form-style continuation) with `page` filled
 * in; undefined when the template has no `{&page}` / `{?page}` slot.
 */
export function expandSeek(template: string, page: number): string | undefined {
  const at = template.search(/\{[&?]page\}/);
  // `{&page}` continues a query and `{?page}` starts one; either way the result must be a URL.
  const before = template.slice(0, at);
  return at < 0 ? undefined : `${before}${before.includes('?') ? '&' : '?'}page=${page}${template.slice(at + 7)}`;
}

/** A non-negative integer header (`X-Total-Count`, `X-Total-Pages`), or undefined. */
export function intHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name) ?? '';
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : undefined;
}

/** A client path split into the path and its query (`issues?page=2` → `issues`, `page=2`). */
export function splitPath(path: string): [string, URLSearchParams] {
  const [bare, ...query] = path.split('?');
  return [bare!, new URLSearchParams(query.join('?'))];
}
