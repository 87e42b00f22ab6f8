/** Spaces calls `1/rate` seconds apart (no bursts beyond one slot); without a rate, never waits. */
export class Pacer {
  private nextAt = performance.now();

  constructor(private readonly ratePerSecond: number | undefined) {}

  async wait(): Promise<void> {
    if (!this.ratePerSecond) return;
    const now = performance.now();
    const slot = Math.max(now, this.nextAt);
    this.nextAt = slot + 1000 / this.ratePerSecond;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}
