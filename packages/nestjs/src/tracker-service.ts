import { Inject, Injectable } from '@nestjs/common';
import {
  ConfigurationError,
  verifyAccess,
  type GetTokenOptions,
  type TrackerAuth,
  type TrackerHeaders,
  type TrackerUser,
} from '@tracker-auth/core';
import { TRACKER_AUTH, TRACKER_CLIENT } from './injection-tokens.js';
import type { TrackerClient } from './module-setup.js';

/**
 * The app's Tracker access in service mode: the ky client, raw auth headers for other HTTP
 * clients, and an access check.
 *
 * @example
 * @Controller('queues')
 * export class QueuesController {
 *   constructor(private readonly tracker: TrackerService) {}
 *   @Get() list() { return this.tracker.client.get('queues').json(); }
 * }
 */
@Injectable()
export class TrackerService {
  constructor(
    @Inject(TRACKER_CLIENT) private readonly trackerClient: TrackerClient | null,
    @Inject(TRACKER_AUTH) private readonly trackerAuth: TrackerAuth | null,
  ) {}

  /** The ky client (`prefixUrl` at `<trackerUrl>/v3/`): `client.get('myself').json()`. */
  get client(): TrackerClient {
    if (this.trackerClient === null) throw serviceModeOff();
    return this.trackerClient;
  }

  /** The `TrackerAuth` behind the client. */
  get auth(): TrackerAuth {
    if (this.trackerAuth === null) throw serviceModeOff();
    return this.trackerAuth;
  }

  /** Current auth headers (`Authorization` + org header), for an HTTP client of your own. */
  headers(options?: GetTokenOptions): Promise<TrackerHeaders> {
    return this.auth.headers(options);
  }

  /** `GET myself`: proves credentials, org and network; resolves with the Tracker user. */
  verifyAccess(options?: { signal?: AbortSignal | undefined }): Promise<TrackerUser> {
    return verifyAccess(this.client, options);
  }
}

function serviceModeOff(): ConfigurationError {
  return new ConfigurationError(
    'INVALID_OPTION',
    'credentials',
    'TrackerService needs the `credentials` option of TrackerAuthModule (service mode); in user mode inject @InjectTrackerUserClient().',
  );
}
