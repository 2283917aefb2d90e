/**
 * Errors → HTTP answers, the same way in every adapter: core's `httpStatusForError` picks the
 * status and `toErrorResponse` the JSON body (`{ error: { code, message, details? } }`, nothing
 * in it holds a secret). Express only gets the answer copied onto `res`.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { isTrackerAuthError } from '@tracker-auth/core';
import { assertAppPath, httpStatusForError, toErrorResponse } from '@tracker-auth/core/adapter';
import { sendWebResponse } from '@tracker-auth/core/node';

/**
 * Give a tracker-auth error a `status` Express understands (its default handler and most
 * error middleware read `err.status`). Errors that already carry an HTTP `status` (Tracker's
 * own) keep it; non-tracker errors pass unchanged.
 */
export function withHttpStatus(error: unknown): unknown {
  if (isTrackerAuthError(error) && typeof (error as { status?: unknown }).status !== 'number') {
    Object.defineProperty(error, 'status', { value: httpStatusForError(error), configurable: true, writable: true });
  }
  return error;
}

export interface TrackerErrorHandlerOptions {
  /**
   * Send browsers that must sign in again (401, and `Accept: text/html`) here with a 303
   * instead of a JSON body, e.g. `/auth/sign-in`.
   */
  signInPath?: string | undefined;
}

/**
 * Error middleware answering tracker-auth errors (sign-in required → 401, upstream trouble →
 * 502/503, timeouts → 504, Tracker's own 4xx passed through) with a JSON body; other errors go
 * on to the next error handler. Mount it after your routes.
 *
 * @example
 * app.use(trackerErrorHandler({ signInPath: '/auth/sign-in' }));
 */
export function trackerErrorHandler(options: TrackerErrorHandlerOptions = {}): ErrorRequestHandler {
  const signInPath = options.signInPath === undefined ? undefined : assertAppPath(options.signInPath, 'signInPath', { fallback: '/auth/sign-in' });
  return function trackerErrorMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isTrackerAuthError(error) || res.headersSent) {
      next(error);
      return;
    }
    if (signInPath && httpStatusForError(error) === 401 && req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      res.redirect(303, signInPath);
      return;
    }
    sendWebResponse(res, toErrorResponse(error)).catch(next);
  };
}
