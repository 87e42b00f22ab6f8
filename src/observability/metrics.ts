import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const batchSizes = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

/**
 * The ledger's metrics, on a registry of their own (so two apps in one
 * process, as in tests, never share series), with Node's process metrics:
 * heap, event-loop lag, GC, handles. Gauges of state that lives elsewhere
 * (projections, integrators, the append gate) are read when scraped,
 * through `gauge()` and the areas that own that state.
 */
export class LedgerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'ledger_http_requests_total', help: 'HTTP requests by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly requestSeconds = new Histogram({ name: 'ledger_http_request_duration_seconds', help: 'HTTP request latency by route.', labelNames: ['route'], buckets: seconds, registers: [this.registry] });
  readonly appendSeconds = new Histogram({ name: 'ledger_append_duration_seconds', help: 'Event-log append latency.', buckets: seconds, registers: [this.registry] });
  readonly conflicts = new Counter({ name: 'ledger_append_conflicts_total', help: 'Appends refused for a wrong expected revision (before retry).', registers: [this.registry] });
  readonly idempotentReplays = new Counter({ name: 'ledger_idempotent_replays_total', help: 'Submissions answered from an earlier identical one.', registers: [this.registry] });
  readonly refusals = new Counter({ name: 'ledger_refusals_total', help: 'Submissions refused, by error code.', labelNames: ['code'], registers: [this.registry] });
  readonly accepted = new Counter({ name: 'ledger_events_appended_total', help: 'Events appended, by type.', labelNames: ['type'], registers: [this.registry] });
  readonly overload = new Counter({ name: 'ledger_overload_rejections_total', help: 'Requests refused with 503 by back-pressure: appends in flight, their queueing delay, or event-loop delay.', registers: [this.registry] });
  readonly groupCommitEvents = new Histogram({ name: 'ledger_group_commit_batch_events', help: 'Events per group-commit statement.', buckets: batchSizes, registers: [this.registry] });
  readonly groupCommitAppends = new Histogram({ name: 'ledger_group_commit_batch_appends', help: 'Appends (streams) per group-commit statement.', buckets: batchSizes, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters (promtool refuses them); the same counts stay, by type, in nodejs_active_{handles,requests,resources}.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
  }

  /**
   * A gauge whose values are read at scrape time by `read`, which sets them
   * through `set(labels, value)`; series it does not set are dropped.
   */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: (set: (labels: Record<L, string>, value: number) => void) => Promise<void> | void): void {
    new Gauge<L>({
      name, help, labelNames, registers: [this.registry],
      async collect() {
        this.reset();
        await read((labels, value) => (labelNames.length === 0 ? this.set(value) : this.set(labels as Partial<Record<L, string>>, value)));
      },
    });
  }

  /** The Prometheus text exposition. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * `read` at most once per `ms`: several gauges filled from one query share
 * one look per scrape.
 */
export function sharedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ms) {
      last = { at: Date.now(), value: read() };
      last.value.catch(() => (last = undefined));
    }
    return last.value;
  };
}
