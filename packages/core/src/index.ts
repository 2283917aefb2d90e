/**
 * @tracker-auth/core: Yandex Tracker API auth for any runtime with fetch and WebCrypto.
 * @packageDocumentation
 */
export * from './errors.js';
export {
  REDACTED,
  SECRET_HEADER_NAMES,
  isSecretKey,
  redactHeaders,
  redactUrl,
  redactSecrets,
  hideSecrets,
  type HeadersLike,
} from './redact.js';
