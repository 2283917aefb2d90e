/**
 * Minimal types of the Tracker entities apps touch most. They are deliberately partial: they
 * name the fields every answer of that kind carries (and a few common optional ones), and the
 * `[field: string]: unknown` index keeps everything else reachable without a cast. Tracker adds
 * fields per queue (local fields) and per `expand`, so a closed type would lie. Types only: this
 * module emits no code.
 */
import type { TrackerUser } from './verify-access.js';

/** A link to another entity inside an answer (`createdBy`, `queue`, `status`, …). */
export interface TrackerRef {
  /** API URL of the entity. */
  self: string;
  id: string;
  /** Set for keyed entities (queues, issues, statuses, types, priorities). */
  key?: string;
  /** Display name in the caller's language. */
  display?: string;
  [field: string]: unknown;
}

/**
 * A Tracker user (`GET myself`, `GET users/{uid}`). Partial. The same shape as
 * {@link TrackerUser}, which `verifyAccess()` resolves with.
 */
export type User = TrackerUser;

/** A queue (`GET queues`, `GET queues/{key}`). Partial. */
export interface Queue {
  self: string;
  /** Numeric id. */
  id: number;
  /** Upper-case key, e.g. `TEST`. */
  key: string;
  name: string;
  description?: string;
  version?: number;
  lead?: TrackerRef;
  defaultType?: TrackerRef;
  defaultPriority?: TrackerRef;
  [field: string]: unknown;
}

/** An issue (`GET issues/{key}`, `POST issues/_search`). Partial. */
export interface Issue {
  self: string;
  id: string;
  /** `QUEUE-123`. */
  key: string;
  summary: string;
  /** Edit counter; send it back to avoid overwriting someone else's change (412 on conflict). */
  version: number;
  description?: string;
  queue: TrackerRef;
  status: TrackerRef;
  type?: TrackerRef;
  priority?: TrackerRef;
  assignee?: TrackerRef;
  createdBy?: TrackerRef;
  /** Tracker's date format, e.g. `2026-01-31T10:00:00.000+0000`. */
  createdAt?: string;
  updatedAt?: string;
  [field: string]: unknown;
}

/** A comment of an issue (`GET issues/{key}/comments`). Partial. */
export interface Comment {
  self: string;
  id: number;
  /** Text in Yandex Flavored Markdown. */
  text?: string;
  createdBy?: TrackerRef;
  updatedBy?: TrackerRef;
  createdAt?: string;
  updatedAt?: string;
  version?: number;
  [field: string]: unknown;
}

/** A workflow transition of an issue (`GET issues/{key}/transitions`). Partial. */
export interface Transition {
  self: string;
  /** Pass it to `POST issues/{key}/transitions/{id}/_execute`. */
  id: string;
  display?: string;
  /** The status the issue moves to. */
  to: TrackerRef;
  [field: string]: unknown;
}
