// Node-only: loading a service-account authorized key from disk. Owned by the token-sources work.
export {};
