import type { Delivery, IntegratorRepository } from './IntegratorRepository.js';

/**
 * Stores an integrator's checkpoint at most every `intervalMs` instead of
 * after every 2xx: one commit (one fsync) per event would cap delivery at a
 * few hundred events a second. A crash redelivers at most that interval's
 * events, which at-least-once delivery allows; a stop flushes first.
 * Writes are serialised, and each is conditional on the run's epoch.
 */
export class CheckpointWriter {
  private pending: { position: string; delivered: Delivery[] } | undefined;
  private writing: Promise<boolean> = Promise.resolve(true);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly integrators: IntegratorRepository,
    private readonly name: string,
    private readonly epoch: string,
    private readonly intervalMs: number,
    /** Called when a write finds the epoch changed (a reset or reconfiguration took over). */
    private readonly onSuperseded: () => void,
  ) {}

  /** Records that everything up to `position` is done: `delivered` with a 2xx, else parked. */
  note(position: string, delivered?: Delivery): void {
    const deliveries = this.pending?.delivered ?? [];
    if (delivered) deliveries.push(delivered);
    this.pending = { position, delivered: deliveries };
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes what is pending now; false when the epoch no longer holds. */
  flush(): Promise<boolean> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async (ok) => {
      const pending = this.pending;
      if (!ok || !pending) return ok;
      this.pending = undefined;
      const held = await this.integrators.advance(this.name, this.epoch, pending.position, pending.delivered);
      if (!held) this.onSuperseded();
      return held;
    });
    return this.writing;
  }
}
