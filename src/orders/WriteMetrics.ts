/** The counters the write side moves; the HTTP layer's registry provides them. */
export interface WriteMetrics {
  readonly appendSeconds: { observe(seconds: number): void };
  readonly accepted: { inc(labels: { type: string }): void };
  readonly conflicts: { inc(): void };
  readonly idempotentReplays: { inc(): void };
}
