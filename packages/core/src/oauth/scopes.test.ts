import { describe, expect, it } from 'vitest';
import { TRACKER_READ, TRACKER_SCOPES, TRACKER_WRITE } from './scopes.js';

describe('Tracker scopes', () => {
  it('are the documented rights', () => {
    expect(TRACKER_READ).toBe('tracker:read');
    expect(TRACKER_WRITE).toBe('tracker:write');
    expect(TRACKER_SCOPES).toEqual(['tracker:read', 'tracker:write']);
    expect(Object.isFrozen(TRACKER_SCOPES)).toBe(true);
  });
});
