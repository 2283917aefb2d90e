import { describe, expect, it } from 'vitest';
import { createState } from './state.js';

describe('createState', () => {
  it('is 43 base64url characters (32 random bytes) and different each time', () => {
    const values = new Set(Array.from({ length: 50 }, () => createState()));
    expect(values.size).toBe(50);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
