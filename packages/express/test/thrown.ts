/** The value `run` throws, or `undefined` when it returns (so the caller's `expect` then fails). */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
