import type { RequestContext } from './context.js';
import { sendJson } from './http-util.js';
import { trackerError } from './tracker-error.js';

/**
 * Page mode (docs/yandex-api.md 1.6): `perPage` (default 50) and `page` (default 1) in, then
 * `X-Total-Count`, `X-Total-Pages` and a `Link` header out: rel `first`, `next` (while more
 * pages follow) and `seek`, a URL template with `{&page}` as the Python client expects.
 * Only the items of the page are rendered, so long lists stay cheap.
 */
export function sendPage<T>(ctx: RequestContext, base: string, items: readonly T[], render: (item: T) => unknown): void {
  const perPageRaw = ctx.url.searchParams.get('perPage');
  const pageRaw = ctx.url.searchParams.get('page');
  const perPage = perPageRaw === null ? 50 : Number(perPageRaw);
  const page = pageRaw === null ? 1 : Number(pageRaw);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000 || !Number.isInteger(page) || page < 1) {
    return sendJson(ctx.res, 400, trackerError(400, ['perPage must be 1..1000 and page ≥ 1']));
  }
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
  const link = (p: number) => {
    const u = new URL(ctx.url.pathname + ctx.url.search, base);
    u.searchParams.set('perPage', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const links = [`<${link(1)}>; rel="first"`];
  if (page < totalPages) links.push(`<${link(page + 1)}>; rel="next"`);
  const seek = new URL(link(1));
  seek.searchParams.delete('page');
  links.push(`<${seek.toString()}{&page}>; rel="seek"`);
  sendJson(ctx.res, 200, slice, {
    'x-total-count': String(items.length),
    'x-total-pages': String(totalPages),
    link: links.join(', '),
  });
}
