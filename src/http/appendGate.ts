/**
 * Bounds the appends in flight. When full, callers are refused at once
 * (503 + Retry-After) rather than queued, so overload never grows memory.
 */
export class AppendGate {
  private inFlight = 0;
  constructor(readonly limit: number) {}

  get active(): number {
    return this.inFlight;
  }

  /** Runs `work` if there is room; returns `{admitted: false}` otherwise. */
  async run<T>(work: () => Promise<T>): Promise<{ admitted: true; value: T } | { admitted: false }> {
    if (this.inFlight >= this.limit) return { admitted: false };
    this.inFlight++;
    try {
      return { admitted: true, value: await work() };
    } finally {
      this.inFlight--;
    }
  }
}
