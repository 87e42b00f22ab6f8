import type { SourceSystemKind } from '../domain/sourceSystems.js';
import { HttpClient, type HttpResponse } from './HttpClient.js';
import { Pacer } from './Pacer.js';
import { progressReporter } from './progressReporter.js';
import { requestOf, type SimEvent, type SimOrder } from './SimEvent.js';
import { SubmitTally, type ItemAnswer, type SimulationSummary } from './SubmitTally.js';

export interface SubmitOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** The API key of each submitting system. */
  readonly keys: Readonly<Partial<Record<SourceSystemKind, string>>>;
  /** Orders in flight at once (one request each); default 32. With `batch`: requests in flight. */
  readonly concurrency?: number;
  /**
   * Submit through `POST /v1/batches`, as an EDI or invoice-run interface
   * would: each of the `concurrency` senders keeps up to `batch` orders open
   * and, round by round, sends the next event of each of them, one batch
   * request per system. Absent: one request per event.
   */
  readonly batch?: number | undefined;
  /** Events per second across all orders; as fast as possible when absent. */
  readonly rate?: number | undefined;
  /** How many orders `orders` yields, for the ETA. */
  readonly totalOrders?: number;
  /** Where the progress bar goes; none when absent. */
  readonly progress?: NodeJS.WriteStream | undefined;
}

const maxResends = 30;

/**
 * Submits a simulated day through the HTTP API, each event with its owning
 * system's key: the events of one order in sequence, `concurrency` orders in
 * parallel, paced to `rate` when given.
 */
export async function submitDay(orders: Iterable<SimOrder>, options: SubmitOptions): Promise<SimulationSummary> {
  const client = new HttpClient(new URL(options.url), options.concurrency ?? 32);
  const pacer = new Pacer(options.rate);
  const tally = new SubmitTally();
  const source = orders[Symbol.iterator]();
  const started = performance.now();
  const estimate = () => (tally.orders === 0 ? (options.totalOrders ?? 1) * 16 : Math.round((tally.submitted / tally.orders) * (options.totalOrders ?? tally.orders)));
  const progress = options.progress ? progressReporter(options.progress, tally, estimate) : undefined;
  const worker = async () => {
    for (let next = source.next(); !next.done; next = source.next()) {
      for (const event of next.value.events) {
        await pacer.wait();
        await submitOne(client, options.keys, event, tally);
      }
      tally.orders++;
    }
  };
  const batchSize = options.batch;
  const batchWorker = async (size: number) => {
    const open: { order: SimOrder; next: number }[] = [];
    for (;;) {
      while (open.length < size) {
        const next = source.next();
        if (next.done) break;
        if (next.value.events.length > 0) open.push({ order: next.value, next: 0 });
        else tally.orders++;
      }
      if (open.length === 0) return;
      // One round: the next event of every open order, one request per submitting system.
      const bySystem = new Map<SourceSystemKind, SimEvent[]>();
      for (const item of open) {
        const event = item.order.events[item.next++]!;
        const group = bySystem.get(event.system);
        if (group) group.push(event);
        else bySystem.set(event.system, [event]);
      }
      await Promise.all([...bySystem].map(async ([system, events]) => {
        for (let i = 0; i < events.length; i++) await pacer.wait();
        await submitBatch(client, options.keys, system, events, tally);
      }));
      for (let i = open.length - 1; i >= 0; i--) {
        if (open[i]!.next < open[i]!.order.events.length) continue;
        open.splice(i, 1);
        tally.orders++;
      }
    }
  };
  try {
    const senders = options.concurrency ?? 32;
    await Promise.all(Array.from({ length: senders }, () => (batchSize === undefined ? worker() : batchWorker(batchSize))));
  } finally {
    progress?.stop();
    client.close();
  }
  return tally.summary((performance.now() - started) / 1000);
}

async function submitOne(client: HttpClient, keys: SubmitOptions['keys'], event: SimEvent, tally: SubmitTally): Promise<void> {
  const { path, json } = requestOf(event);
  plan(event, tally);
  tally.submitted++;
  record(await post(client, path, keyOf(keys, event.system), JSON.stringify(json), tally), tally);
}

/** One `POST /v1/batches` of `system`'s events, each answered on its own. */
async function submitBatch(client: HttpClient, keys: SubmitOptions['keys'], system: SourceSystemKind, events: readonly SimEvent[], tally: SubmitTally): Promise<void> {
  const items = events.map((event) => ({ orderRef: event.ref ?? event.orderKey, type: event.type, ...event.body }));
  for (const event of events) plan(event, tally);
  tally.submitted += events.length;
  const res = await post(client, '/v1/batches', keyOf(keys, system), JSON.stringify({ items }), tally);
  const answer = parse(res.body) as { results?: ItemAnswer[] } | undefined;
  if (res.status === 200 && answer?.results?.length === events.length) {
    for (const result of answer.results) tally.answered(result);
  } else {
    // The request as a whole was refused: every item shares its answer.
    for (let i = 0; i < events.length; i++) record(res, tally);
  }
}

function keyOf(keys: SubmitOptions['keys'], system: SourceSystemKind): string {
  const key = keys[system];
  if (!key) throw new Error(`no API key for ${system}; every submitting system needs one`);
  return key;
}

/**
 * POSTs `body`, sending it again after a dropped connection (up to 3 times)
 * or back-pressure (503/429, up to 30 times, after Retry-After): a refused
 * request applied nothing, and a re-sent one is answered as a duplicate.
 */
async function post(client: HttpClient, path: string, key: string, body: string, tally: SubmitTally): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const began = performance.now();
    let res: HttpResponse;
    try {
      res = await client.request('POST', path, { authorization: `Bearer ${key}` }, body);
    } catch (error) {
      if (attempt >= 3) throw error;
      tally.retries++;
      await sleep(200);
      continue;
    }
    tally.latency(performance.now() - began);
    if ((res.status === 503 || res.status === 429) && attempt < maxResends) {
      tally.retries++;
      await sleep(1000 * Math.min(5, Number(res.headers['retry-after'] ?? 1) || 1));
      continue;
    }
    return res;
  }
}

/** The answer to one request, in the shape `POST /v1/batches` gives each item. */
function record(res: HttpResponse, tally: SubmitTally): void {
  const body = parse(res.body) as { code?: string; exceptions?: unknown[] } | undefined;
  const outcome = res.status === 200 && res.headers['idempotent-replayed'] === 'true' ? 'duplicate' : res.status === 201 ? 'accepted' : res.status === 202 ? 'unmatched' : 'refused';
  tally.answered({ outcome, status: res.status, code: body?.code, body });
}

function plan(event: SimEvent, tally: SubmitTally): void {
  if (event.mess === 'retry') tally.planned.retries++;
  else if (event.mess === 'early-alias') tally.planned.earlyAlias++;
  else if (event.mess === 'unknown-alias') tally.planned.unknownAlias++;
  else if (event.mess === 'out-of-order') tally.planned.outOfOrder++;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
