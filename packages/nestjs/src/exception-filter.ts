import { Catch, HttpException, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { httpStatusForError, isRequestRejectedError, isTrackerAuthError, toErrorBody, type TrackerAuthError, type WebErrorBody } from '@tracker-auth/core';

/**
 * Matches tracker-auth errors by core's name-based guard instead of `instanceof`, so errors
 * from a second copy of core (ESM next to CJS) are caught too.
 */
class AnyTrackerAuthError {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isTrackerAuthError(value);
  }
}

/** Status and body for a tracker-auth error: core's status mapping and core's web error shape (with Tracker's `details`). */
function answerFor(error: TrackerAuthError): { status: number; body: WebErrorBody } {
  const status = httpStatusForError(error);
  // 499 (the caller aborted) is not a status every platform accepts, and nobody listens anyway.
  return { status: status >= 200 && status <= 599 && status !== 499 ? status : 500, body: toErrorBody(error) };
}

/**
 * Answers tracker-auth errors the way every adapter does (sign-in required → 401, Tracker's own
 * 4xx passed through, upstream trouble → 502/503, timeouts → 504) with the JSON body
 * `{ "error": { "code", "message", "details"? } }` (`details`: Tracker's field `errors` and
 * `errorMessages`); messages never hold a secret, and no stack is sent.
 * `TrackerAuthModule` registers it app-wide unless `exceptionFilter: false`.
 *
 * @example
 * app.useGlobalFilters(new TrackerExceptionFilter(app.get(HttpAdapterHost)));
 */
@Catch(AnyTrackerAuthError)
export class TrackerExceptionFilter implements ExceptionFilter<TrackerAuthError> {
  private readonly logger = new Logger('TrackerAuth');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /** The Nest `HttpException` for a tracker-auth error, for apps with exception filters of their own. */
  static toHttpException(error: TrackerAuthError): HttpException {
    const { status, body } = answerFor(error);
    return new HttpException(body, status, { cause: error });
  }

  catch(error: TrackerAuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const { status, body } = answerFor(error);
    // Server-side trouble is worth a log line: name, code and message only (never a secret).
    if (status >= 500) this.logger.error(`${error.name} ${error.code}: ${error.message}`);
    const { httpAdapter } = this.adapterHost;
    const res = host.switchToHttp().getResponse();
    httpAdapter.setHeader(res, 'cache-control', 'no-store');
    // A 405 from the Node bridge (TRACE) names the methods that would work.
    if (isRequestRejectedError(error) && error.allow !== undefined) httpAdapter.setHeader(res, 'allow', error.allow);
    httpAdapter.reply(res, body, status);
  }
}
