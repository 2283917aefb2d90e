// @ts-check
/**
 * A diagnostic stand-in for `AbortSignal.any`: plain listener forwarding, without Node's
 * weak-reference bookkeeping. Fine for the short-lived per-request signals of a proxy (not for
 * long-lived ones, whose listeners it would pile up); used only to measure what `any()` costs.
 */

/** @param {Iterable<AbortSignal>} signals @returns {AbortSignal} */
export function forwardingAny(signals) {
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Replace `AbortSignal.any` process-wide when BENCH_DIAG_FORWARDING_ANY=1; returns whether it did. */
export function applyForwardingAnyIfAsked() {
  if (process.env.BENCH_DIAG_FORWARDING_ANY !== '1') return false;
  AbortSignal.any = forwardingAny;
  return true;
}
