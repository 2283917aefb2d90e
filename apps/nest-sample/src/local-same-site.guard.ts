/**
 * POST /issues acts with the app's own Tracker credential and has no sign-in of its own, so it
 * is explicitly local-only and same-site: a caller on another machine, or a page of another
 * site (a cross-site form or fetch, even from this machine's browser), is refused with 403.
 * The cross-site rule is core's `isCrossSiteRequest` (Sec-Fetch-Site, then Origin).
 */
import type { IncomingMessage } from 'node:http';
import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { isCrossSiteRequest } from '@tracker-auth/core';
import { appUrlOf } from './config';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

@Injectable()
export class LocalSameSiteGuard implements CanActivate {
  private readonly appUrl: string;

  constructor(config: ConfigService) {
    this.appUrl = appUrlOf({ HOST: config.get('HOST'), PORT: config.get('PORT'), APP_URL: config.get('APP_URL') });
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) {
      throw new ForbiddenException({ error: { code: 'FORBIDDEN', message: 'This route is local-only: it acts with the app credential.' } });
    }
    // Only the headers that say who made the browser send the request, judged against the
    // app's configured public URL (not the Host header, which the client chooses).
    const headers = new Headers();
    for (const name of ['origin', 'sec-fetch-site']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    if (isCrossSiteRequest(new Request(`${this.appUrl}/`, { headers }))) {
      throw new ForbiddenException({ error: { code: 'CROSS_SITE_REQUEST', message: 'Requests from another site are refused.' } });
    }
    return true;
  }
}
