import { randomInt } from 'node:crypto';
import type { FakeClock } from './types.js';

/**
 * The controllable clock behind every lifetime in the fake.
 *
 * In `system` mode it follows real time plus an offset, so a long-running demo sees tokens
 * age naturally while tests can still jump ahead with `advance()`. In `manual` mode it only
 * moves when told to.
 */
export function createClock(mode: 'system' | 'manual', startTime?: number): FakeClock {
  const realNow = () => Date.now();
  let base = startTime ?? realNow();
  let realAtBase = realNow();
  const now = () => (mode === 'system' ? base + (realNow() - realAtBase) : base);
  return {
    now,
    advance(ms: number) {
      if (!Number.isFinite(ms)) throw new TypeError('clock.advance(ms): ms must be a finite number');
      base = now() + ms;
      realAtBase = realNow();
    },
    set(epochMs: number) {
      if (!Number.isFinite(epochMs)) throw new TypeError('clock.set(epochMs): epochMs must be a finite number');
      base = epochMs;
      realAtBase = realNow();
    },
  };
}

/**
 * RFC 3339 UTC with nanoseconds, as IAM prints `expiresAt` (docs/yandex-api.md 3.1). The extra
 * sub-millisecond digits are random (so parsers meet all nine digits) and only add to the
 * millisecond, so truncating to ms never overshoots the real expiry.
 */
export function toNanoRfc3339(epochMs: number): string {
  const iso = new Date(Math.floor(epochMs)).toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, -1)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}Z`;
}

/** Tracker's date format: `2017-06-11T05:16:01.339+0000`. */
export function toTrackerDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}
