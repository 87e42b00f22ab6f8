import { HttpClient } from '../../src/simulator/HttpClient.js';

/** Sums and counts of the service's own latency histograms, from GET /metrics. */
export interface PhaseTotals {
  readonly requestSeconds: number;
  readonly requests: number;
  readonly appendSeconds: number;
  readonly appends: number;
}

export async function phaseTotals(url: string, key: string): Promise<PhaseTotals> {
  const client = new HttpClient(new URL(url), 1);
  try {
    const res = await client.request('GET', '/metrics', { authorization: `Bearer ${key}` });
    const sum = (pattern: RegExp) => res.body.split('\n').filter((l) => pattern.test(l)).reduce((acc, l) => acc + Number(l.split(' ').at(-1)), 0);
    return {
      requestSeconds: sum(/^ledger_http_request_duration_seconds_sum\{[^}]*route="\/v1\/orders[^"]*"/),
      requests: sum(/^ledger_http_request_duration_seconds_count\{[^}]*route="\/v1\/orders[^"]*"/),
      appendSeconds: sum(/^ledger_append_duration_seconds_sum/),
      appends: sum(/^ledger_append_duration_seconds_count/),
    };
  } finally {
    client.close();
  }
}

/** Mean milliseconds per request in the handler, and of it in the event-store append, between two readings. */
export function phaseMeans(before: PhaseTotals, after: PhaseTotals): { requestMs: number; appendMs: number } {
  const per = (s: number, n: number) => (n > 0 ? (s / n) * 1000 : 0);
  return {
    requestMs: per(after.requestSeconds - before.requestSeconds, after.requests - before.requests),
    appendMs: per(after.appendSeconds - before.appendSeconds, after.appends - before.appends),
  };
}
