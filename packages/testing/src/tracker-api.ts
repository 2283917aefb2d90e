import type { RequestContext } from './context.js';
import { header, sendJson } from './http-util.js';
import type { FakeState, Principal } from './state.js';
import { issueJson, queueJson, type FakeIssue, type TrackerData } from './tracker-data.js';
import type { FakeUser } from './types.js';
import { toTrackerDate } from './clock.js';
import { IssueSearch } from './issue-search.js';
import { sendPage } from './page-mode.js';
import { NOT_AUTHORIZED_MESSAGE, trackerError } from './tracker-error.js';

export { trackerError } from './tracker-error.js';

/** The 403 for a missing, unknown or wrong-kind organization (docs/yandex-api.md 1.3). */
const ORG_ERROR = { errors: {}, errorMessages: ['Organization is not available, not ready or not found'], errorCode: 620345 };

/** The caller and organization of an authorized Tracker request. */
interface TrackerCaller {
  principal: Principal;
  orgId: string;
}

/**
 * `GET /v2|v3/myself` body (docs/yandex-api.md 1.4): `self` names the API version asked,
 * `cloudUid` (a string) is there for Yandex Cloud users only.
 */
export function myselfJson(base: string, user: FakeUser, now: number, version: 'v2' | 'v3' = 'v2'): Record<string, unknown> {
  return {
    self: `${base}/${version}/users/${user.uid}`,
    uid: user.uid,
    login: user.login,
    trackerUid: user.uid,
    passportUid: user.serviceAccountId ? undefined : user.uid,
    ...(user.cloudUid !== undefined ? { cloudUid: String(user.cloudUid) } : {}),
    firstName: user.firstName,
    lastName: user.lastName,
    display: `${user.firstName} ${user.lastName}`,
    email: user.email,
    external: false,
    hasLicense: true,
    dismissed: false,
    useNewFilters: true,
    disableNotifications: false,
    firstLoginDate: toTrackerDate(now - 30 * 86_400_000),
    lastLoginDate: toTrackerDate(now),
    welcomeMailSent: true,
  };
}

/**
 * Tracker API on `/v2/…` and `/v3/…` (the two versions are the same here, docs/yandex-api.md 1.1).
 * Order of checks: token (401), organization (403 620345), rights (403), then the resource.
 */
export class TrackerApi {
  private readonly issueSearch: IssueSearch;

  constructor(
    private readonly state: FakeState,
    private readonly data: TrackerData,
  ) {
    this.issueSearch = new IssueSearch(state, data, (i) => this.issueJson(i));
  }

  private authorize(ctx: RequestContext): TrackerCaller | undefined {
    const principal = this.state.principalFor(header(ctx.req, 'authorization'));
    if (!principal) {
      sendJson(ctx.res, 401, trackerError(401, [NOT_AUTHORIZED_MESSAGE]));
      return undefined;
    }
    // X-Cloud-Org-Id wins when present: YTC sends `X-Org-Id: not provided` alongside it (docs/yandex-api.md, fact 2).
    const cloud = header(ctx.req, 'x-cloud-org-id');
    const org = header(ctx.req, 'x-org-id');
    let orgId: string | undefined;
    if (cloud !== undefined) orgId = this.state.cloudOrgs.has(cloud) ? cloud : undefined;
    else if (org !== undefined && this.state.orgs.has(org)) {
      // Bearer IAM tokens only work with Yandex Cloud organizations (docs/yandex-api.md 1.2).
      orgId = principal.kind === 'iam' ? undefined : org;
    }
    const member = orgId !== undefined && (principal.user.orgs === undefined || principal.user.orgs.includes(orgId));
    if (orgId === undefined || !member) {
      sendJson(ctx.res, 403, ORG_ERROR);
      return undefined;
    }
    return { principal, orgId };
  }

  private requireScope(ctx: RequestContext, caller: TrackerCaller, write: boolean): boolean {
    const scopes = caller.principal.scopes;
    const ok = write ? scopes.includes('tracker:write') : scopes.includes('tracker:read') || scopes.includes('tracker:write');
    if (!ok) sendJson(ctx.res, 403, trackerError(403, ['You do not have permission to perform this action.']));
    return ok;
  }

  /** Handles one Tracker request; `rest` is the path after `/v2` or `/v3`. */
  async handle(ctx: RequestContext, rest: string): Promise<void> {
    const caller = this.authorize(ctx);
    if (!caller) return;
    const base = this.state.url;
    const segs = rest.split('/').filter(Boolean).map(safeDecode);
    const m = ctx.method;
    const [a, b, c] = segs;
    const version = ctx.url.pathname.startsWith('/v3') ? 'v3' : 'v2';

    if (a === 'myself' && segs.length === 1) {
      if (m !== 'GET') return this.methodNotAllowed(ctx);
      if (!this.requireScope(ctx, caller, false)) return;
      return sendJson(ctx.res, 200, myselfJson(base, caller.principal.user, this.state.clock.now(), version));
    }
    if (a === 'users' && b !== undefined && segs.length === 2 && m === 'GET') {
      if (!this.requireScope(ctx, caller, false)) return;
      const user = this.state.users.get(Number(b)) ?? this.state.userByLogin(b);
      if (!user) return sendJson(ctx.res, 404, trackerError(404, ['User does not exist.']));
      return sendJson(ctx.res, 200, myselfJson(base, user, this.state.clock.now(), version));
    }
    if (a === 'queues') {
      if (m !== 'GET') return this.methodNotAllowed(ctx);
      if (!this.requireScope(ctx, caller, false)) return;
      if (b === undefined) {
        return sendPage(ctx, base, [...this.data.queues.values()], (q) => queueJson(base, q, this.state.users.get(q.leadUid)));
      }
      const q = this.data.queues.get(b);
      if (!q || segs.length > 2) return sendJson(ctx.res, 404, trackerError(404, ['Queue does not exist.']));
      return sendJson(ctx.res, 200, queueJson(base, q, this.state.users.get(q.leadUid)));
    }
    if (a === 'issues') {
      if (b === undefined) {
        if (m !== 'POST') return this.methodNotAllowed(ctx);
        return this.createIssue(ctx, caller);
      }
      if (b === '_search' && c === undefined) {
        if (m !== 'POST') return this.methodNotAllowed(ctx);
        if (!this.requireScope(ctx, caller, false)) return;
        const body = await this.jsonBody(ctx);
        if (!body) return;
        return this.issueSearch.search(ctx, body, caller.principal.user.uid);
      }
      if (c !== undefined) return sendJson(ctx.res, 404, trackerError(404, ['Not found']));
      if (m === 'GET') {
        if (!this.requireScope(ctx, caller, false)) return;
        const issue = this.data.issues.get(b);
        if (!issue) return sendJson(ctx.res, 404, trackerError(404, ['Issue does not exist.']));
        return sendJson(ctx.res, 200, this.issueJson(issue));
      }
      if (m === 'PATCH') return this.patchIssue(ctx, caller, b);
      return this.methodNotAllowed(ctx);
    }
    if (a === 'system' && b === 'search' && c === 'scroll' && segs[3] === '_clear' && segs.length === 4) {
      if (m !== 'POST') return this.methodNotAllowed(ctx);
      if (!this.requireScope(ctx, caller, false)) return;
      const body = await this.jsonBody(ctx);
      if (!body) return;
      return this.issueSearch.release(ctx, body, caller.principal.user.uid);
    }
    sendJson(ctx.res, 404, trackerError(404, ['Not found']));
  }

  /** Scrolls of issue search still held (neither past their TTL nor released). */
  get openScrolls(): number {
    return this.issueSearch.openScrolls;
  }

  private methodNotAllowed(ctx: RequestContext): void {
    sendJson(ctx.res, 405, trackerError(405, ['Method not allowed']));
  }

  private issueJson(issue: FakeIssue): Record<string, unknown> {
    return issueJson(this.state.url, issue, this.data.queues.get(issue.queue), this.state.users.get(issue.createdByUid));
  }

  /** Parses a JSON object body or answers 400. */
  private async jsonBody(ctx: RequestContext): Promise<Record<string, unknown> | undefined> {
    const text = await ctx.body();
    try {
      const value: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        ctx.noteJson(value);
        return value as Record<string, unknown>;
      }
    } catch {
      // fall through to the 400 below
    }
    sendJson(ctx.res, 400, trackerError(400, ['Request body is not a valid JSON object']));
    return undefined;
  }

  private async createIssue(ctx: RequestContext, caller: TrackerCaller): Promise<void> {
    const body = await this.jsonBody(ctx);
    if (!body) return;
    if (!this.requireScope(ctx, caller, true)) return;
    const q = body.queue;
    const queueKey = typeof q === 'string' ? q : q && typeof q === 'object' ? String((q as { key?: unknown }).key ?? '') : '';
    const errors: Record<string, string> = {};
    if (!queueKey) errors.queue = 'Required field';
    else if (!this.data.queues.has(queueKey)) errors.queue = 'Queue does not exist';
    if (typeof body.summary !== 'string' || body.summary.trim() === '') errors.summary = 'Required field';
    if (body.description !== undefined && typeof body.description !== 'string') errors.description = 'Must be a string';
    if (Object.keys(errors).length > 0) return sendJson(ctx.res, 422, trackerError(422, [], errors));
    const issue = this.data.addIssue({
      queue: queueKey,
      summary: body.summary as string,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      createdByUid: caller.principal.user.uid,
    });
    sendJson(ctx.res, 201, this.issueJson(issue));
  }

  private async patchIssue(ctx: RequestContext, caller: TrackerCaller, key: string): Promise<void> {
    const body = await this.jsonBody(ctx);
    if (!body) return;
    if (!this.requireScope(ctx, caller, true)) return;
    const issue = this.data.issues.get(key);
    if (!issue) return sendJson(ctx.res, 404, trackerError(404, ['Issue does not exist.']));
    if (typeof body.summary === 'string') issue.summary = body.summary;
    if (typeof body.description === 'string') issue.description = body.description;
    issue.version += 1;
    issue.updatedAt = this.state.clock.now();
    sendJson(ctx.res, 200, this.issueJson(issue));
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
