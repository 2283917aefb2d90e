// GET /api/auth/sign-in, GET /api/auth/callback, POST /api/auth/sign-out.
import { tracker } from '../../../../lib/tracker';

export const dynamic = 'force-dynamic';

export const GET = (request: Request) => tracker().auth.GET(request);
export const POST = (request: Request) => tracker().auth.POST(request);
