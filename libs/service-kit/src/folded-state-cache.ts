// Folded aggregate states of committed streams, per process, least recently used evicted first.

/** The parts of a decider that define a fold: a state cached by one fold is never handed to another. */
export interface Fold<TEvent, TState> {
  initialState: () => TState;
  evolve(state: TState, event: TEvent): TState;
}

export interface FoldedStream<TState> {
  version: number;
  state: TState;
}

interface FoldIdentity {
  evolve: unknown;
  initialState: unknown;
}

interface Entry extends FoldedStream<unknown> {
  fold: FoldIdentity;
}

/**
 * A guess, never the truth: a command appends with the cached version as its expected version, so a
 * state made stale by another writer (another instance, a consumer's transaction) ends in a version
 * conflict and a read of the events after it. Holds only states whose events are committed.
 */
export class FoldedStateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get<TEvent, TState>(streamId: string, fold: Fold<TEvent, TState>): FoldedStream<TState> | undefined {
    const entry = this.entries.get(streamId);
    if (!entry || !sameFold(entry.fold, fold)) return undefined;
    // Map order is insertion order: moving the entry to the end marks it the most recently used.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry as FoldedStream<TState>;
  }

  set<TEvent, TState>(streamId: string, fold: Fold<TEvent, TState>, folded: FoldedStream<TState>): void {
    if (this.capacity <= 0) return;
    const current = this.entries.get(streamId);
    // Concurrent commands of this process finish in any order: an older fold never replaces a newer one.
    if (current && sameFold(current.fold, fold) && current.version > folded.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { fold, version: folded.version, state: folded.state });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }
}

/** Deciders built alike (a factory called twice) may fold alike, but only the same functions are known to. */
function sameFold(a: FoldIdentity, b: FoldIdentity): boolean {
  return a.evolve === b.evolve && a.initialState === b.initialState;
}
