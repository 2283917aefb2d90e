import { tracker } from '../../../../lib/tracker';

export const dynamic = 'force-dynamic';
export const GET = (request) => tracker().proxy.GET(request);
export const POST = (request) => tracker().proxy.POST(request);
export const DELETE = (request) => tracker().proxy.DELETE(request);
