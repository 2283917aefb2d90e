/**
 * Every Redis command goes through here: bounded by a timeout, and after a failure Redis is
 * left alone for a short pause (callers use their local copies meanwhile) instead of every
 * request waiting for a timeout again. Outages and recoveries are reported once each.
 */
import { NetworkError, TimeoutError } from '@tracker-auth/core';
import { scrubSecrets } from '@tracker-auth/core/adapter';
import type { RedisOperation, RedisTokenStoreEvent } from './events.js';

export interface CommandGuard {
  /** Whether Redis is in its pause after a failure (skip it, use local state). */
  paused(): boolean;
  run<T>(operation: RedisOperation, command: () => Promise<T>): Promise<T>;
}

export function createCommandGuard(options: { timeoutMs: number; pauseMs: number; emit: (event: RedisTokenStoreEvent) => void }): CommandGuard {
  const { timeoutMs, pauseMs, emit } = options;
  let down = false;
  let pausedUntil = 0;

  function failed(operation: RedisOperation, error: unknown): never {
    pausedUntil = Date.now() + pauseMs;
    // Quoted in a warning and an error message: a client error may carry the connection URL.
    const message = scrubSecrets(error instanceof Error ? error.message : String(error));
    if (!down) {
      down = true;
      emit({ type: 'unavailable', operation, message });
    }
    throw error instanceof TimeoutError || error instanceof NetworkError
      ? error
      : new NetworkError(`Redis ${operation} failed: ${message}`, { cause: error });
  }

  return {
    paused: () => Date.now() < pausedUntil,
    async run<T>(operation: RedisOperation, command: () => Promise<T>): Promise<T> {
      if (Date.now() < pausedUntil) throw new NetworkError(`Redis is unavailable (${operation} skipped until it answers again).`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`Redis ${operation} took longer than ${timeoutMs} ms.`)), timeoutMs);
        timer.unref?.();
      });
      let result: T;
      try {
        const pending = command();
        // A command that times out may still fail later; that late failure is already handled.
        pending.catch(() => undefined);
        result = await Promise.race([pending, timeout]);
      } catch (error) {
        return failed(operation, error);
      } finally {
        clearTimeout(timer);
      }
      if (down) {
        down = false;
        emit({ type: 'recovered', operation });
      }
      return result;
    },
  };
}
