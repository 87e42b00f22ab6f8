/** The closing summary of a simulation run. */
export interface SimulationSummary {
  readonly orders: number;
  readonly submitted: number;
  readonly accepted: number;
  /** Answered 200 with Idempotent-Replayed: a retry recognised. */
  readonly duplicates: number;
  /** Answered 202: parked until an order takes the alias. */
  readonly unmatched: number;
  /** ExceptionRaised events the ledger attached to accepted facts. */
  readonly exceptionsRaised: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly serverErrors: number;
  /** Re-sends after 503/429 (back-pressure) or a dropped connection. */
  readonly retries: number;
  /** What the generator meant to happen, to compare with the answers. */
  readonly planned: { readonly retries: number; readonly earlyAlias: number; readonly unknownAlias: number; readonly outOfOrder: number };
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly wallSeconds: number;
}

/** The ledger's answer to one submission, as `POST /v1/batches` gives it per item. */
export interface ItemAnswer {
  readonly outcome: 'accepted' | 'duplicate' | 'unmatched' | 'refused';
  readonly status: number;
  readonly code?: string | undefined;
  readonly body?: { readonly exceptions?: readonly unknown[] } | undefined;
}

/** Counts answers as they come; cheap enough for millions of requests. */
export class SubmitTally {
  orders = 0;
  submitted = 0;
  accepted = 0;
  duplicates = 0;
  unmatched = 0;
  exceptionsRaised = 0;
  serverErrors = 0;
  retries = 0;
  readonly refusals: Record<string, number> = {};
  readonly planned = { retries: 0, earlyAlias: 0, unknownAlias: 0, outOfOrder: 0 };
  private latencies = new Float64Array(1 << 16);
  private count = 0;

  latency(ms: number): void {
    if (this.count === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.count++] = ms;
  }

  answered(answer: ItemAnswer): void {
    switch (answer.outcome) {
      case 'accepted':
        this.accepted++;
        this.exceptionsRaised += answer.body?.exceptions?.length ?? 0;
        return;
      case 'duplicate': this.duplicates++; return;
      case 'unmatched': this.unmatched++; return;
      default: {
        if (answer.status >= 500) {
          this.serverErrors++;
          return;
        }
        const code = answer.code ?? `HTTP_${answer.status}`;
        this.refusals[code] = (this.refusals[code] ?? 0) + 1;
      }
    }
  }

  summary(wallSeconds: number): SimulationSummary {
    const sorted = this.latencies.slice(0, this.count).sort();
    const at = (q: number) => (this.count === 0 ? 0 : sorted[Math.min(this.count - 1, Math.floor(q * this.count))]!);
    return {
      orders: this.orders, submitted: this.submitted, accepted: this.accepted, duplicates: this.duplicates, unmatched: this.unmatched,
      exceptionsRaised: this.exceptionsRaised, refusals: { ...this.refusals }, serverErrors: this.serverErrors, retries: this.retries,
      planned: { ...this.planned }, latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) }, wallSeconds,
    };
  }
}
