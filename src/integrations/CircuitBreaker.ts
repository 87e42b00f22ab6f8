export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long it stays open before one trial request (half-open). */
  readonly openMs: number;
}

/**
 * A circuit breaker per target URL: after `failureThreshold` consecutive
 * failures it opens and refuses requests for `openMs`; then one trial
 * request (half-open) closes it on success or reopens it on failure. It
 * spares a target that is down from a retry storm by every integrator.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private current: BreakerState = 'closed';

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Milliseconds until a request may go out (0: now). */
  waitMs(): number {
    if (this.current === 'closed') return 0;
    if (this.current === 'half-open') return this.trialInFlight ? Math.max(1, this.settings.openMs) : 0;
    return Math.max(0, this.openedAt + this.settings.openMs - this.now());
  }

  /** Call before a request when `waitMs()` is 0. */
  beginRequest(): void {
    if (this.current === 'open' && this.waitMs() === 0) this.transition('half-open');
    if (this.current === 'half-open') this.trialInFlight = true;
  }

  succeeded(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  failed(): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.settings.failureThreshold)) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(state: BreakerState): void {
    this.current = state;
    this.onChange(state);
  }
}
