/** Connection-scoped headers (RFC 9110 §7.6.1): never forwarded by the proxy or the Node bridge. */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
];
