import type { FakeEndpoint, FaultHandle, FaultSpec } from './types.js';
import { FAKE_ENDPOINTS } from './types.js';

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** Validates a fault spec up front so a typo fails in the test that wrote it. */
function checkSpec(endpoint: FakeEndpoint, spec: FaultSpec): void {
  if (!FAKE_ENDPOINTS.includes(endpoint)) {
    throw new TypeError(`faults.inject: unknown endpoint "${String(endpoint)}"; use one of ${FAKE_ENDPOINTS.join(', ')}`);
  }
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) {
    throw new TypeError('faults.inject: status must be an integer HTTP status (100..599)');
  }
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
    throw new TypeError('faults.inject: times must be a positive integer');
  }
  if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) {
    throw new TypeError('faults.inject: rate must be between 0 and 1');
  }
  if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) throw new TypeError('faults.inject: delayMs must be ≥ 0');
  if (spec.retryAfter !== undefined && !(spec.retryAfter >= 0)) throw new TypeError('faults.inject: retryAfter must be ≥ 0');
}

/**
 * Scripted faults per endpoint. The oldest matching fault applies first; count-based faults
 * are used up one call at a time, rate-based ones stay until cleared.
 */
export class FaultRegistry {
  private readonly faults = new Map<FakeEndpoint, ActiveFault[]>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Registers a fault; see {@link FaultSpec}. */
  inject(endpoint: FakeEndpoint, spec: FaultSpec): FaultHandle {
    checkSpec(endpoint, spec);
    const active: ActiveFault = { spec: { ...spec }, remaining: spec.rate !== undefined ? Infinity : (spec.times ?? 1) };
    const list = this.faults.get(endpoint) ?? [];
    list.push(active);
    this.faults.set(endpoint, list);
    const remove = () => {
      const l = this.faults.get(endpoint);
      if (l) this.faults.set(endpoint, l.filter((f) => f !== active));
    };
    return {
      endpoint,
      get remaining() {
        return active.remaining;
      },
      remove,
    };
  }

  /** Removes every fault, or those of one endpoint. */
  clear(endpoint?: FakeEndpoint): void {
    if (endpoint) this.faults.delete(endpoint);
    else this.faults.clear();
  }

  /** The fault that applies to this call, if any (consumes one use of a count-based fault). */
  take(endpoint: FakeEndpoint): FaultSpec | undefined {
    const list = this.faults.get(endpoint);
    if (!list) return undefined;
    for (const f of list) {
      if (f.spec.rate !== undefined) {
        // rate 1 means every call, whatever the random source returns.
        if (f.spec.rate >= 1 || this.random() < f.spec.rate) return f.spec;
        continue;
      }
      if (f.remaining > 0) {
        f.remaining -= 1;
        if (f.remaining === 0) this.faults.set(endpoint, list.filter((x) => x !== f));
        return f.spec;
      }
    }
    return undefined;
  }
}
