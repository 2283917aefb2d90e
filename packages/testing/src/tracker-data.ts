import { toTrackerDate } from './clock.js';
import type { FakeClock, FakeUser } from './types.js';

/** A Tracker queue as the fake stores it. */
export interface FakeQueue {
  id: number;
  key: string;
  name: string;
  description: string;
  leadUid: number;
  /** Last issue number used in this queue. */
  lastNumber: number;
}

/** A Tracker issue as the fake stores it. */
export interface FakeIssue {
  id: string;
  key: string;
  queue: string;
  summary: string;
  description?: string;
  status: 'open' | 'inProgress' | 'closed';
  createdByUid: number;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** Input of `fake.tracker.addIssue()`. */
export interface NewIssue {
  queue: string;
  summary: string;
  description?: string;
  createdByUid?: number;
}

const STATUS_DISPLAY = { open: 'Open', inProgress: 'In progress', closed: 'Closed' } as const;

/** Queues and issues; one dataset shared by every organization of the fake. */
export class TrackerData {
  readonly queues = new Map<string, FakeQueue>();
  readonly issues = new Map<string, FakeIssue>();
  private nextQueueId = 1;
  /** Issues in search order, rebuilt only after a change (searches over thousands stay fast). */
  private sorted: FakeIssue[] | undefined;

  constructor(private readonly clock: FakeClock) {}

  addQueue(input: { key: string; name?: string; description?: string; leadUid: number }): FakeQueue {
    if (!/^[A-Z][A-Z0-9]{0,14}$/.test(input.key)) {
      throw new TypeError(`tracker.addQueue: key "${input.key}" must be 1-15 upper-case latin letters/digits starting with a letter`);
    }
    const existing = this.queues.get(input.key);
    const queue: FakeQueue = {
      id: existing?.id ?? this.nextQueueId++,
      key: input.key,
      name: input.name ?? input.key,
      description: input.description ?? '',
      leadUid: input.leadUid,
      lastNumber: existing?.lastNumber ?? 0,
    };
    this.queues.set(queue.key, queue);
    return queue;
  }

  addIssue(input: NewIssue & { createdByUid: number }): FakeIssue {
    const queue = this.queues.get(input.queue);
    if (!queue) throw new TypeError(`tracker.addIssue: no queue "${input.queue}"; add it first with tracker.addQueue`);
    queue.lastNumber += 1;
    const now = this.clock.now();
    const issue: FakeIssue = {
      id: `${(0x5f0000000000 + this.issues.size + 1).toString(16)}${queue.id.toString(16).padStart(12, '0')}`,
      key: `${queue.key}-${queue.lastNumber}`,
      queue: queue.key,
      summary: input.summary,
      ...(input.description !== undefined ? { description: input.description } : {}),
      status: 'open',
      createdByUid: input.createdByUid,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    this.issues.set(issue.key, issue);
    this.sorted = undefined;
    return issue;
  }

  /** Issues sorted by queue then number (a copy the caller may change). */
  sortedIssues(): FakeIssue[] {
    return [...this.sortedView()];
  }

  /** The cached sorted list itself; callers must not change it. */
  sortedView(): readonly FakeIssue[] {
    const num = (k: string) => Number(k.slice(k.lastIndexOf('-') + 1));
    this.sorted ??= [...this.issues.values()].sort((a, b) => a.queue.localeCompare(b.queue) || num(a.key) - num(b.key));
    return this.sorted;
  }
}

/** `{ self, id, display }` reference to a user. */
export function userRef(base: string, user: FakeUser | undefined, uid: number): Record<string, unknown> {
  return { self: `${base}/v2/users/${uid}`, id: String(uid), display: user ? `${user.firstName} ${user.lastName}` : String(uid) };
}

/** The JSON of a queue (a subset of the real one). */
export function queueJson(base: string, q: FakeQueue, lead: FakeUser | undefined): Record<string, unknown> {
  return {
    self: `${base}/v2/queues/${q.key}`,
    id: q.id,
    key: q.key,
    version: 1,
    name: q.name,
    description: q.description,
    lead: userRef(base, lead, q.leadUid),
    assignAuto: false,
    defaultType: { self: `${base}/v2/issuetypes/2`, id: '2', key: 'task', display: 'Task' },
    defaultPriority: { self: `${base}/v2/priorities/3`, id: '3', key: 'normal', display: 'Normal' },
    denyVoting: false,
  };
}

/** The JSON of an issue (a subset of the real one). */
export function issueJson(base: string, i: FakeIssue, queue: FakeQueue | undefined, author: FakeUser | undefined): Record<string, unknown> {
  return {
    self: `${base}/v2/issues/${i.key}`,
    id: i.id,
    key: i.key,
    version: i.version,
    summary: i.summary,
    ...(i.description !== undefined ? { description: i.description } : {}),
    queue: { self: `${base}/v2/queues/${i.queue}`, id: String(queue?.id ?? ''), key: i.queue, display: queue?.name ?? i.queue },
    status: { self: `${base}/v2/statuses/1`, id: '1', key: i.status, display: STATUS_DISPLAY[i.status] },
    type: { self: `${base}/v2/issuetypes/2`, id: '2', key: 'task', display: 'Task' },
    priority: { self: `${base}/v2/priorities/3`, id: '3', key: 'normal', display: 'Normal' },
    createdBy: userRef(base, author, i.createdByUid),
    createdAt: toTrackerDate(i.createdAt),
    updatedAt: toTrackerDate(i.updatedAt),
    votes: 0,
    favorite: false,
  };
}
