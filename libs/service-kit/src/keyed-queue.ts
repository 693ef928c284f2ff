// Runs work one at a time per key, in arrival order; different keys run concurrently.

/**
 * Commands on one aggregate that the same process would otherwise run at once only conflict: all but one
 * lose the optimistic version check, re-read, decide again and back off, and under a steady stream of
 * commands on one hot aggregate some lost round after round (seen taking over 10 s). Queued per stream
 * instead, each appends at the version its predecessor left, first come first served.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** How many keys have work queued or running (tests and diagnostics). */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // Whatever the previous work's outcome, this work starts once it has settled.
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
