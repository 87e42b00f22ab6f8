import autocannon from 'autocannon';
import type { TransitionFeed } from './TransitionFeed.js';

export interface IngestRun {
  readonly transitionsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly non2xx: number;
  readonly errors: number;
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
      onResponse: (_status, _body, context) => {
        if (context.handle) feed.answered(context.handle as object);
      },
    }],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  return {
    transitionsPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9,
    non2xx: result.non2xx, errors: result.errors, statuses,
  };
}
