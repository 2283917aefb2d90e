import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.js';
import { assertOrgFitsTokenKind, buildTrackerHeaders } from './headers.js';

const OAUTH = 'y0_AgAAAAB-headers-test-SECRET';
const IAM = 't1.9euelZqSeNaTk-headers-test-SECRET.AbCd_ef-GH';

describe('buildTrackerHeaders', () => {
  it('builds OAuth + X-Org-ID for a Yandex 360 organization', () => {
    const headers = buildTrackerHeaders({ token: OAUTH, kind: 'oauth' }, { orgId: '1234567' });
    expect({ ...headers }).toEqual({ Authorization: `OAuth ${OAUTH}`, 'X-Org-ID': '1234567' });
  });

  it('builds OAuth + X-Cloud-Org-ID for a Yandex Cloud organization', () => {
    const headers = buildTrackerHeaders({ token: OAUTH, kind: 'oauth' }, { cloudOrgId: 'bpf3crucp1v2zjbqn4kk' });
    expect({ ...headers }).toEqual({ Authorization: `OAuth ${OAUTH}`, 'X-Cloud-Org-ID': 'bpf3crucp1v2zjbqn4kk' });
  });

  it('builds Bearer for an IAM token with a cloud organization', () => {
    const headers = buildTrackerHeaders(
      { token: IAM, kind: 'iam', expiresAt: Date.now() + 3_600_000 },
      { cloudOrgId: 'bpf3crucp1v2zjbqn4kk' },
    );
    expect(headers.Authorization).toBe(`Bearer ${IAM}`);
    expect(headers['X-Cloud-Org-ID']).toBe('bpf3crucp1v2zjbqn4kk');
    expect(headers['X-Org-ID']).toBeUndefined();
  });

  it('works as fetch headers (Headers accepts it and sees exactly two fields)', () => {
    const headers = new Headers(buildTrackerHeaders({ token: OAUTH, kind: 'oauth' }, { orgId: '42' }));
    expect([...headers.keys()].sort()).toEqual(['authorization', 'x-org-id']);
    expect(headers.get('authorization')).toBe(`OAuth ${OAUTH}`);
  });

  it('is sent as-is by fetch to a real server', async () => {
    let seen: IncomingHttpHeaders = {};
    const server = createServer((req, res) => {
      seen = req.headers;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const headers = buildTrackerHeaders({ token: IAM, kind: 'iam' }, { cloudOrgId: 'bpf3crucp1v2zjbqn4kk' });
      const response = await fetch(`http://127.0.0.1:${port}/v3/myself`, { headers: headers });
      expect(response.status).toBe(200);
      expect(seen.authorization).toBe(`Bearer ${IAM}`);
      expect(seen['x-cloud-org-id']).toBe('bpf3crucp1v2zjbqn4kk');
      expect(seen['x-org-id']).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('prints without the token (JSON.stringify, util.inspect, String)', () => {
    const headers = buildTrackerHeaders({ token: OAUTH, kind: 'oauth' }, { orgId: '42' });
    const json = JSON.stringify(headers);
    expect(json).not.toContain(OAUTH);
    expect(JSON.parse(json)).toEqual({ authorization: 'OAuth [REDACTED]', 'x-org-id': '42' });
    expect(inspect(headers)).not.toContain(OAUTH);
    expect(inspect({ nested: headers })).not.toContain(OAUTH);
  });

  it('refuses an IAM token with a Yandex 360 organization', () => {
    expect(() => buildTrackerHeaders({ token: IAM, kind: 'iam' }, { orgId: '1234567' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ORG', field: 'org' }),
    );
  });

  it('refuses a missing or unknown token kind', () => {
    expect(() => buildTrackerHeaders({ token: OAUTH, kind: 'basic' } as never, { orgId: '1' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TOKEN', field: 'token.kind' }),
    );
    expect(() => buildTrackerHeaders(OAUTH as never, { orgId: '1' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TOKEN', field: 'token' }),
    );
    try {
      buildTrackerHeaders(OAUTH as never, { orgId: '1' });
    } catch (error) {
      expect((error as Error).message).not.toContain(OAUTH);
    }
  });

  it('refuses a token with CR/LF (header injection) without echoing it', () => {
    const evil = `${OAUTH}\r\nX-Admin: 1`;
    let caught: unknown;
    try {
      buildTrackerHeaders({ token: evil, kind: 'oauth' }, { orgId: '1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect(caught).toMatchObject({ code: 'INVALID_TOKEN', field: 'token.token' });
    expect(inspect(caught)).not.toContain('y0_AgAAAAB');
  });
});

describe('assertOrgFitsTokenKind', () => {
  it('accepts OAuth with either org kind and IAM with a cloud org', () => {
    expect(() => assertOrgFitsTokenKind('oauth', { orgId: '1' })).not.toThrow();
    expect(() => assertOrgFitsTokenKind('oauth', { cloudOrgId: 'bpf1' })).not.toThrow();
    expect(() => assertOrgFitsTokenKind('iam', { cloudOrgId: 'bpf1' })).not.toThrow();
  });

  it('names the field it was given', () => {
    expect(() => assertOrgFitsTokenKind('iam', { orgId: '1' }, 'options.org')).toThrow(
      expect.objectContaining({ code: 'INVALID_ORG', field: 'options.org' }),
    );
  });
});
