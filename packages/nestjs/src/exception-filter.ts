import { Catch, HttpException, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isTrackerAuthError, type TrackerAuthError } from '@tracker-auth/core';
import { errorAnswer } from '@tracker-auth/core/adapter';

/** Matches by core's name-based guard, so errors of a second copy of core (ESM + CJS) are caught too. */
class AnyTrackerAuthError {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isTrackerAuthError(value);
  }
}

/**
 * Answers tracker-auth errors with core's `errorAnswer` (401 sign-in required, Tracker's 4xx, 502/503/504 upstream
 * trouble; JSON `{ "error": { "code", "message", "details"? } }`); the module registers it unless `exceptionFilter: false`.
 * @example app.useGlobalFilters(new TrackerExceptionFilter(app.get(HttpAdapterHost)));
 */
@Catch(AnyTrackerAuthError)
export class TrackerExceptionFilter implements ExceptionFilter<TrackerAuthError> {
  private readonly logger = new Logger('TrackerAuth');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /** The Nest `HttpException` for a tracker-auth error, for apps with exception filters of their own. */
  static toHttpException(error: TrackerAuthError): HttpException {
    const { status, body } = errorAnswer(error);
    return new HttpException(body, status, { cause: error });
  }

  catch(error: TrackerAuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const { status, body, headers } = errorAnswer(error);
    // Server-side trouble is worth a log line: name, code and message (never a secret).
    if (status >= 500) this.logger.error(`${error.name} ${error.code}: ${error.message}`);
    const { httpAdapter } = this.adapterHost;
    const res = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(headers)) httpAdapter.setHeader(res, name, value);
    httpAdapter.reply(res, body, status);
  }
}
