/** Why a submission was turned away. */
export type Refusal = 'in-flight-limit' | 'latency-limit';

export interface AppendGateOptions {
  /** Never more submissions in flight than this (LEDGER_MAX_IN_FLIGHT_APPENDS). */
  readonly maxInFlight: number;
  /**
   * The latency the gate holds (LEDGER_APPEND_LATENCY_TARGET_MS): when the
   * submissions that finished in a window took longer than this on average,
   * a queue is standing and the number admitted at once shrinks until it clears.
   */
  readonly latencyTargetMs: number;
  /** Length of one observation window (default 100 ms). */
  readonly windowMs?: number;
  /** The admitted concurrency never drops below this (default 8: group commit needs company). */
  readonly minInFlight?: number;
  readonly now?: () => number;
}

/**
 * Bounds the appends in flight, and the latency they see. Past the bound,
 * callers are refused at once (503 + Retry-After) rather than queued, so
 * overload never grows memory or waiting times.
 *
 * A fixed in-flight cap alone lets latency grow long before it bites: with
 * 256 slots and PostgreSQL doing a few hundred to a few thousand appends a
 * second, every request waits its turn behind the others. So the cap adapts,
 * as an AIMD concurrency limiter does: every window, if the submissions that
 * finished took longer than the target on average, the limit drops by a
 * tenth; otherwise it climbs back by one (and by one more for every quiet
 * window that went by). Batches take a slot but stay out of the average:
 * their length says how big they are, not how long they queued.
 */
export class AppendGate {
  private inFlight = 0;
  private timedInFlight = 0;
  private current: number;
  private windowStart: number;
  private windowTotalMs = 0;
  private windowCount = 0;
  private readonly windowMs: number;
  private readonly minInFlight: number;
  private readonly now: () => number;

  constructor(readonly options: AppendGateOptions) {
    this.current = options.maxInFlight;
    this.windowMs = options.windowMs ?? 100;
    this.minInFlight = Math.min(options.minInFlight ?? 8, options.maxInFlight);
    this.now = options.now ?? (() => performance.now());
    this.windowStart = this.now();
  }

  get active(): number {
    return this.inFlight;
  }

  /** How many submissions are admitted at once right now. */
  get limit(): number {
    return this.current;
  }

  /**
   * Whether a submission arriving now would be admitted: asked before its
   * body is even read, so that refusing under overload costs next to nothing.
   */
  wouldAdmit(): boolean {
    this.observe();
    return this.inFlight < this.options.maxInFlight && this.inFlight < this.current;
  }

  /**
   * Runs `work` if there is room; returns `{admitted: false}` otherwise.
   * `timed: false` for work whose length says nothing about queueing (a
   * batch of hundreds of items): it takes a slot, but not part in the signal.
   */
  async run<T>(work: () => Promise<T>, timed = true): Promise<{ admitted: true; value: T } | { admitted: false; reason: Refusal }> {
    this.observe();
    if (this.inFlight >= this.options.maxInFlight) return { admitted: false, reason: 'in-flight-limit' };
    if (this.inFlight >= this.current) return { admitted: false, reason: 'latency-limit' };
    this.inFlight++;
    if (timed) this.timedInFlight++;
    const started = this.now();
    try {
      return { admitted: true, value: await work() };
    } finally {
      this.inFlight--;
      if (timed) this.timedInFlight--;
      if (timed) {
        this.windowTotalMs += this.now() - started;
        this.windowCount++;
      }
    }
  }

  /** Closes the window if it is over and adjusts the limit from what it saw. */
  private observe(): void {
    const now = this.now();
    if (now - this.windowStart < this.windowMs) return;
    // Nothing finished in a whole window while work was in flight: a standing queue too.
    const stalled = this.windowCount === 0 && this.timedInFlight > 0;
    const queued = stalled || (this.windowCount > 0 && this.windowTotalMs / this.windowCount > this.options.latencyTargetMs);
    // The verdict is about one window; every further window that went by with no arrival was quiet.
    const quietWindows = Math.floor((now - this.windowStart) / this.windowMs) - 1;
    this.current = queued ? Math.max(this.minInFlight, Math.floor(this.current * 0.9)) : this.current + 1;
    this.current = Math.min(this.options.maxInFlight, this.current + quietWindows);
    this.windowStart = now;
    this.windowTotalMs = 0;
    this.windowCount = 0;
  }
}
