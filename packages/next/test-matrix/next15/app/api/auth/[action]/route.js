import { tracker } from '../../../../lib/tracker';

export const dynamic = 'force-dynamic';
export const GET = (request) => tracker().auth.GET(request);
export const POST = (request) => tracker().auth.POST(request);
