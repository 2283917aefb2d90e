// The token-free proxy: the browser calls /api/tracker/v3/…, the server adds the user's token.
import { tracker } from '../../../../lib/tracker';

export const dynamic = 'force-dynamic';

export const GET = (request: Request) => tracker().proxy.GET(request);
export const POST = (request: Request) => tracker().proxy.POST(request);
export const PATCH = (request: Request) => tracker().proxy.PATCH(request);
export const PUT = (request: Request) => tracker().proxy.PUT(request);
export const DELETE = (request: Request) => tracker().proxy.DELETE(request);
export const OPTIONS = (request: Request) => tracker().proxy.OPTIONS(request);
