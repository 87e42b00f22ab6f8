import autocannon from 'autocannon';
import type { TransitionFeed } from './TransitionFeed.js';

export interface IngestRun {
  /** Transitions answered 2xx per second (for batches: items answered accepted or duplicate). */
  readonly transitionsPerSecond: number;
  readonly transitions: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Answers by HTTP status. */
  readonly statuses: Record<string, number>;
}

/**
 * One closed-loop autocannon run: `connections` keep-alive connections, each
 * sending its next transition when the last was answered, for `seconds`.
 */
export async function ingestRun(url: string, feed: TransitionFeed, connections: number, seconds: number): Promise<IngestRun> {
  const result = await autocannon({
    url, connections, duration: seconds, pipelining: 1, timeout: 30,
    requests: [{
      method: 'POST',
      setupRequest: (request, context) => {
        const next = feed.take();
        if (!next) throw new Error('the transition feed ran dry; generate more orders');
        context.handle = next.handle;
        return { ...request, method: 'POST', path: next.request.path, headers: next.request.headers, body: next.request.body };
      },
      // A refusal under load (503) goes back in the queue and is sent again later, as a client retrying would.
      onResponse: (status, _body, context) => {
        if (context.handle) feed.answered(context.handle as object, status !== 503);
      },
    }],
  });
  return runOf(result, result['2xx']);
}

/**
 * The same closed loop through `POST /v1/batches`: each request carries
 * `size` transitions of one system, each of an order with nothing else in
 * flight; transitions count the items answered accepted or duplicate.
 */
export async function batchRun(url: string, feed: TransitionFeed, connections: number, seconds: number, size: number): Promise<IngestRun> {
  let transitions = 0;
  const result = await autocannon({
    url, connections, duration: seconds, pipelining: 1, timeout: 60,
    requests: [{
      method: 'POST',
      setupRequest: (request, context) => {
        const batch = feed.takeBatch(size);
        if (!batch) throw new Error('the transition feed ran dry; generate more orders');
        context.handles = batch.handles;
        return { ...request, method: 'POST', path: '/v1/batches', headers: batch.requests[0]!.headers, body: JSON.stringify({ items: batch.requests.map((r) => r.item) }) };
      },
      onResponse: (status, body, context) => {
        for (const handle of (context.handles as object[] | undefined) ?? []) feed.answered(handle, status !== 503);
        if (status !== 200) return;
        const counts = (JSON.parse(body) as { counts?: { accepted?: number; duplicate?: number } }).counts;
        transitions += (counts?.accepted ?? 0) + (counts?.duplicate ?? 0);
      },
    }],
  });
  return runOf(result, transitions);
}

function runOf(result: Awaited<ReturnType<typeof autocannon>>, transitions: number): IngestRun {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    transitionsPerSecond: transitions / result.duration, transitions, requests,
    p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9,
    non2xx: result.non2xx, errors: result.errors, statuses,
  };
}
