/**
 * @tracker-auth/core/node: the Node-only entry (file system, node:http bridge, the Node-native Tracker proxy on undici).
 * The default entry stays web-standard (fetch + WebCrypto) so it runs on edge runtimes too.
 * Names are chosen one by one; a test pins the list (the README's API section).
 * @packageDocumentation
 */
export { loadServiceAccountKey, iamFromServiceAccountKeyFile, credentialsFromNodeEnv, type IamFromServiceAccountKeyFileOptions } from './node/key-file.js';
export {
  toWebRequest,
  toWebRequestAndSignal,
  sendWebResponse,
  DRAIN_MAX_BYTES,
  type ToWebRequestOptions,
  type WebRequestAndSignal,
} from './node/http-bridge.js';
export {
  createNodeTrackerProxy,
  type NodeTrackerProxy,
  type NodeTrackerProxyContext,
  type NodeTrackerProxyOptions,
} from './node/node-proxy.js';
export { deliverSessionCookies } from './node/session-cookies.js';
export { createWebRequestReader, type WebRequestReader, type WebRequestReaderOptions } from './node/web-request-reader.js';
