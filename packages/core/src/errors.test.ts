import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  TrackerAuthError,
  UnauthorizedError,
  httpStatusForError,
  isConfigurationError,
  isTrackerAuthError,
  isTrackerHttpError,
  isUnauthorizedError,
} from './errors.js';

describe('error hierarchy', () => {
  it('subclasses carry name, code and field and stay instanceof the base', () => {
    const error = new ConfigurationError('INVALID_ORG', 'org.orgId', 'org.orgId must be digits');
    expect(error).toBeInstanceOf(TrackerAuthError);
    expect(error.name).toBe('ConfigurationError');
    expect(error.code).toBe('INVALID_ORG');
    expect(error.field).toBe('org.orgId');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ConfigurationError',
      code: 'INVALID_ORG',
      message: 'org.orgId must be digits',
      field: 'org.orgId',
    });
  });

  it('guards match by name for errors from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { name: 'UnauthorizedError', code: 'UNAUTHORIZED' });
    expect(isTrackerAuthError(foreign)).toBe(true);
    expect(isTrackerHttpError(foreign)).toBe(true);
    expect(isUnauthorizedError(foreign)).toBe(true);
    expect(isConfigurationError(foreign)).toBe(false);
    expect(isTrackerAuthError(Object.assign(new Error('x'), { name: 'UnauthorizedError', code: 'NOPE' }))).toBe(false);
    expect(isTrackerAuthError(null)).toBe(false);
    expect(isTrackerAuthError('UnauthorizedError')).toBe(false);
  });

  it('maps errors to HTTP statuses', () => {
    const unauthorized = new UnauthorizedError('GET /v3/myself: 401', { status: 401, method: 'GET', url: 'http://x/v3/myself' });
    expect(httpStatusForError(unauthorized)).toBe(401);
    expect(httpStatusForError(new ConfigurationError('INVALID_OPTION', 'x', 'bad'))).toBe(500);
    expect(httpStatusForError(new Error('plain'))).toBe(500);
  });
});
