/**
 * The device-code flow (docs/yandex-api.md 2.4): ask Yandex for a user code, show it with the
 * verification URL, then poll `/token` with `grant_type=device_code` until the user approves.
 * For CLIs and devices without a browser; no redirect URI is involved.
 */
import { AbortedError, TimeoutError, isNetworkError, isOAuthResponseError, isTimeoutError, isTokenExchangeError } from '../errors.js';
import { describeRequest, sleep } from '../http/upstream.js';
import { hideSecrets, REDACTED } from '../redact.js';
import type { OAuthTokenSet } from '../types.js';
import {
  checkOAuthOptions,
  exchangeFailed,
  oauthEndpoint,
  postOAuthForm,
  requireString,
  postTokenGrant,
  type OAuthClientCredentials,
  type OAuthRequestOptions,
} from './token-endpoint.js';

/** Options of {@link requestDeviceCode}. */
export interface RequestDeviceCodeOptions extends OAuthRequestOptions {
  /** The app's ClientID (the device-code endpoint takes no secret). */
  clientId: string;
  /** Bind the token to a device (6–50 printable ASCII characters). */
  deviceId?: string | undefined;
  /** A name for that device, shown to the user in their Yandex ID. */
  deviceName?: string | undefined;
  /** Required rights, e.g. `['tracker:read', 'tracker:write']` (space-separated when a string). */
  scope?: string | readonly string[] | undefined;
  /** Rights the user may decline. */
  optionalScope?: string | readonly string[] | undefined;
}

/**
 * What Yandex returns from `/device/code`. Show `userCode` and `verificationUrl` to the user;
 * pass the whole object to {@link pollDeviceToken}. `deviceCode` is a secret: it prints as
 * `[REDACTED]` in `JSON.stringify` and `util.inspect`.
 */
export interface DeviceCode {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUrl: string;
  /** Minimum seconds between polls. */
  readonly interval: number;
  /** Seconds the codes live (10 minutes at Yandex). */
  readonly expiresIn: number;
  /** Epoch ms when the codes expire, computed at receipt. */
  readonly expiresAt: number;
}

const joinScope = (scope: string | readonly string[] | undefined): string | undefined => (typeof scope === 'object' ? scope.join(' ') : scope);

/**
 * Start a device-code sign-in: returns the code to show the user and the URL to enter it at.
 *
 * @example
 * const device = await requestDeviceCode({ clientId, scope: 'tracker:read tracker:write' });
 * console.log(`Open ${device.verificationUrl} and enter ${device.userCode}`);
 * const tokens = await pollDeviceToken({ ...device, clientId, clientSecret });
 */
export async function requestDeviceCode(options: RequestDeviceCodeOptions): Promise<DeviceCode> {
  checkOAuthOptions('requestDeviceCode', options);
  const now = Date.now();
  const call = {
    ...options,
    // The device-code endpoint takes only `client_id`: no secret, so none is sent.
    clientSecret: undefined,
    path: '/device/code',
    what: 'device code request',
    form: {
      device_id: options.deviceId,
      device_name: options.deviceName,
      scope: joinScope(options.scope),
      optional_scope: joinScope(options.optionalScope),
    },
  };
  const json = await postOAuthForm(call);
  const { device_code: deviceCode, user_code: userCode } = json;
  const verificationUrl = json.verification_url ?? json.verification_uri;
  if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof verificationUrl !== 'string') {
    throw exchangeFailed(call, 'the answer lacks device_code, user_code or verification_url', { status: 200 });
  }
  const interval = nonNegativeNumber(json.interval) ?? 5;
  const expiresIn = nonNegativeNumber(json.expires_in) ?? 600;
  const result: DeviceCode = { deviceCode, userCode, verificationUrl, interval, expiresIn, expiresAt: now + expiresIn * 1000 };
  return hideSecrets(result, () => ({ ...result, deviceCode: REDACTED }), 'DeviceCode');
}

function nonNegativeNumber(value: unknown): number | undefined {
  // Numbers, or numeric strings: Yandex documents numbers, some proxies stringify them.
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return Number.isFinite(n) && (n as number) >= 0 ? (n as number) : undefined;
}

/** What {@link PollDeviceTokenOptions.onPending} is told after each "not yet" answer. */
export interface DevicePollProgress {
  /** Polls made so far. */
  attempt: number;
  /** Seconds until the next poll (grows after `slow_down`). */
  interval: number;
  /** Epoch ms when the code expires, when known. */
  expiresAt: number | undefined;
}

/** Options of {@link pollDeviceToken}. */
export interface PollDeviceTokenOptions extends OAuthRequestOptions, OAuthClientCredentials {
  /** `deviceCode` from {@link requestDeviceCode}. */
  deviceCode: string;
  /** Seconds between polls; default 5. Yandex may refuse faster polling. */
  interval?: number | undefined;
  /** Epoch ms after which polling stops with a {@link TimeoutError}; default 10 minutes from now. */
  expiresAt?: number | undefined;
  /** Called after each `authorization_pending` answer (e.g. to print a spinner). */
  onPending?: ((progress: DevicePollProgress) => void) | undefined;
  /**
   * Consecutive transient failures (5xx, 429, network, one call's timeout) tolerated while
   * the code is still valid. Default 3.
   */
  maxTransientErrors?: number | undefined;
  /** Ignored; lets you spread a {@link DeviceCode} into the options. */
  userCode?: string | undefined;
  /** Ignored; lets you spread a {@link DeviceCode} into the options. */
  verificationUrl?: string | undefined;
  /** Ignored; lets you spread a {@link DeviceCode} into the options. */
  expiresIn?: number | undefined;
}

/** Extra seconds after a `slow_down` answer (RFC 8628 §3.5). */
const SLOW_DOWN_STEP_S = 5;
/**
 * Added to each wait: Yandex measures the interval between arrivals, and a previous poll that
 * travelled slowly would otherwise make the next one look early ("faster polling may be
 * refused", docs/yandex-api.md 2.4).
 */
const ARRIVAL_MARGIN_MS = 100;

/**
 * Poll the token endpoint until the user approves the device code. Waits `interval` seconds
 * before each poll, adds 5 s on `slow_down`, and stops when the code expires.
 *
 * @throws {OAuthResponseError} a terminal answer: `access_denied`, `invalid_grant`, `invalid_client`, …
 * @throws {TimeoutError} the code expired before the user approved it.
 * @throws {AbortedError} `signal` fired.
 * @throws {TokenExchangeError | NetworkError} more than `maxTransientErrors` failures in a row.
 * @example
 * const controller = new AbortController();
 * const tokens = await pollDeviceToken({ ...device, clientId, clientSecret, signal: controller.signal });
 */
export async function pollDeviceToken(options: PollDeviceTokenOptions): Promise<OAuthTokenSet> {
  const { deviceCode, interval, signal, onPending } = options;
  const fn = 'pollDeviceToken';
  const fail = checkOAuthOptions(fn, options);
  requireString(deviceCode, 'deviceCode', fn, 'from requestDeviceCode()');
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) fail('interval', 'must be 0 or more seconds');
  const expiresAt = options.expiresAt ?? Date.now() + 600_000;
  const maxTransient = options.maxTransientErrors ?? 3;
  let intervalS = interval ?? 5;
  let attempt = 0;
  let transient = 0;
  const expired = (cause?: unknown) =>
    new TimeoutError(`The device code expired before the user approved it: ${describeRequest('POST', oauthEndpoint(options.oauthUrl, '/token'))}`, { cause });

  for (;;) {
    const remaining = expiresAt - Date.now();
    if (remaining <= 0) throw expired();
    try {
      await sleep(Math.min(intervalS > 0 ? intervalS * 1000 + ARRIVAL_MARGIN_MS : 0, remaining), signal);
    } catch (error) {
      throw new AbortedError('Device authorization polling aborted', { cause: (error as AbortedError).cause ?? error });
    }
    if (Date.now() >= expiresAt) throw expired();
    attempt++;
    try {
      // Yandex's form (docs/yandex-api.md 2.3): the device code goes in `code`.
      return await postTokenGrant(options, 'device token poll', { grant_type: 'device_code', code: deviceCode }, [deviceCode]);
    } catch (error) {
      if (isOAuthResponseError(error)) {
        const code = error.error;
        transient = 0;
        if (code === 'slow_down') intervalS += SLOW_DOWN_STEP_S;
        if (code === 'slow_down' || code === 'authorization_pending') {
          onPending?.({ attempt, interval: intervalS, expiresAt });
          continue;
        }
        throw code === 'expired_token' ? expired(error) : error;
      }
      const transientFailure = (isTokenExchangeError(error) && error.retryable) || isNetworkError(error) || (isTimeoutError(error) && !signal?.aborted);
      if (transientFailure && ++transient <= maxTransient) continue;
      throw error;
    }
  }
}
