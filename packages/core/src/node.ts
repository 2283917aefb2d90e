/**
 * @tracker-auth/core/node: Node-only helpers (reading files from disk).
 * @packageDocumentation
 */
export {};
