/**
 * A small Prometheus text-format registry: counters and histograms with
 * labels. Enough for the ledger's own metrics without a dependency.
 */
type Labels = Record<string, string>;

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const render = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    const entry = this.values.get(k);
    if (entry) entry.value += by;
    else this.values.set(k, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0;
  }
  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${render(labels)} ${value}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(value: number, labels: Labels = {}): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket${render({ ...s.labels, le: String(le) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${render({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${render(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${render(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The ledger's HTTP and append metrics. */
export class LedgerMetrics {
  readonly requests = new Counter('ledger_http_requests_total', 'HTTP requests by method, route and status.');
  readonly requestSeconds = new Histogram('ledger_http_request_duration_seconds', 'HTTP request latency.', seconds);
  readonly appendSeconds = new Histogram('ledger_append_duration_seconds', 'Event-log append latency.', seconds);
  readonly conflicts = new Counter('ledger_append_conflicts_total', 'Appends refused for a wrong expected revision (before retry).');
  readonly idempotentReplays = new Counter('ledger_idempotent_replays_total', 'Submissions answered from an earlier identical one.');
  readonly refusals = new Counter('ledger_refusals_total', 'Submissions refused, by error code.');
  readonly accepted = new Counter('ledger_events_appended_total', 'Events appended, by type.');
  readonly overload = new Counter('ledger_overload_rejections_total', 'Requests refused with 503 because too many appends were in flight.');

  expose(): string {
    return [this.requests, this.requestSeconds, this.appendSeconds, this.conflicts, this.idempotentReplays, this.refusals, this.accepted, this.overload]
      .map((m) => m.expose())
      .join('\n') + '\n';
  }
}
