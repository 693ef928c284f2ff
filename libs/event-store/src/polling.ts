// How the readers of the event store (outbox relay, projectors) pace their polls: slower and slower
// while nothing is appended, at once when this process appended (ADR 0012).
import { compareCheckpoints, type Checkpoint } from './event-store.js';

export type AppendListener = (checkpoint: Checkpoint | null) => void;

/**
 * In-process news that events were appended, with where the last of them sits in commit order. It
 * reaches only this process: other instances find the same events by polling.
 */
export class AppendSignal {
  private readonly listeners = new Set<AppendListener>();

  /** Called synchronously on every append: keep it cheap. Returns the unsubscribe function. */
  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(checkpoint: Checkpoint | null): void {
    for (const listener of this.listeners) listener(checkpoint);
  }
}

export interface IdlePacingOptions {
  /** The wait after the first empty poll, and while announced events are still awaited. */
  idleDelayMs: number;
  /** The ceiling the wait doubles up to while polls keep finding nothing. */
  maxIdleDelayMs: number;
  /**
   * How long an announced append is awaited at the short delay. An append inside a caller's transaction
   * is announced before its commit, and that transaction may still roll back.
   */
  announcedForMs?: number;
  signal?: AppendSignal;
}

/**
 * Long enough for a busy server's horizon: a transaction held open anywhere on it keeps a committed event
 * invisible meanwhile. A rolled-back append costs this long of short polls, once.
 */
const DEFAULT_ANNOUNCED_FOR_MS = 10_000;

/**
 * The wait between the polls of a loop that reads the event store. Each empty poll doubles the wait,
 * from `idleDelayMs` up to `maxIdleDelayMs`; a poll that finds events resets it. A wake-up (events
 * appended in this process, a reader waiting for a checkpoint) ends the wait, though never sooner than
 * `idleDelayMs` after the last empty poll, so a busy process polls no more often than before. Until the
 * announced events are read, the wait stays at `idleDelayMs`: an event may stay invisible for a moment
 * after its commit, behind transactions still in progress (`pg_snapshot_xmin`).
 */
export class IdlePacing {
  private delay: number;
  private awaited: Checkpoint | undefined;
  private awaitedUntil = 0;
  private woken = false;
  private sleeping: { startedAt: number; finish: () => void; timer: NodeJS.Timeout } | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: IdlePacingOptions) {
    this.delay = options.idleDelayMs;
    this.unsubscribe = options.signal?.subscribe((checkpoint) => this.wake(checkpoint)) ?? (() => undefined);
  }

  /** The wait the next empty poll would start (for tests and diagnostics). */
  get nextDelayMs(): number {
    return this.delay;
  }

  /** A poll found events: the next wait is the shortest again. */
  found(): void {
    this.delay = this.options.idleDelayMs;
  }

  /**
   * Waits after a poll that found nothing after `position` (or, with `keepShort`, found too little to
   * stop watching closely, e.g. a reader still waits for more).
   */
  async idle(position: Checkpoint, keepShort = false): Promise<void> {
    const now = performance.now();
    if (this.awaited && (compareCheckpoints(position, this.awaited) >= 0 || now > this.awaitedUntil)) {
      this.awaited = undefined;
    }
    const short = keepShort || this.woken || this.awaited !== undefined;
    this.woken = false;
    let ms: number;
    if (short) {
      ms = this.options.idleDelayMs;
      this.delay = this.options.idleDelayMs;
    } else {
      ms = this.delay;
      this.delay = Math.min(this.delay * 2, this.options.maxIdleDelayMs);
    }
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(this.sleeping?.timer);
        this.sleeping = undefined;
        resolve();
      };
      this.sleeping = { startedAt: now, finish, timer: setTimeout(finish, ms) };
    });
  }

  /**
   * Ends the current wait (no sooner than `idleDelayMs` after it began) and keeps the next ones short
   * until `checkpoint`, when given, has been read.
   */
  wake(checkpoint: Checkpoint | null = null): void {
    if (checkpoint && (!this.awaited || compareCheckpoints(checkpoint, this.awaited) > 0)) {
      this.awaited = checkpoint;
    }
    if (checkpoint) {
      this.awaitedUntil = performance.now() + (this.options.announcedForMs ?? DEFAULT_ANNOUNCED_FOR_MS);
    }
    const sleeping = this.sleeping;
    if (!sleeping) {
      // Mid-poll: that poll may have missed the news, so the next wait is the short one.
      this.woken = true;
      return;
    }
    const remaining = sleeping.startedAt + this.options.idleDelayMs - performance.now();
    if (remaining <= 0) {
      sleeping.finish();
      return;
    }
    clearTimeout(sleeping.timer);
    sleeping.timer = setTimeout(sleeping.finish, remaining);
  }

  /** Ends the current wait at once (a loop stopping). */
  interrupt(): void {
    this.sleeping?.finish();
  }

  close(): void {
    this.unsubscribe();
    this.interrupt();
  }
}
