import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { CrmView } from '../domain/crmView.js';
import type { SnapshotRecord } from '../reconciliation/snapshotRows.js';
import { Prng } from './Prng.js';

/** How the receiver misbehaves: shares of deliveries (0–1) and how late a delayed one is taken in. */
export interface Drift {
  /** Answered 2xx, then lost: never applied, never acknowledged (a redelivery of the same event is applied). */
  readonly drop: number;
  /** Answered 2xx at once, applied and acknowledged `delayMs` later. */
  readonly delay: number;
  readonly delayMs: number;
}

/** A delivery the receiver took in: what it acknowledges to the ledger. */
export interface Receipt {
  readonly orderKey: string;
  readonly eventId: string;
  readonly revision: number;
  /** Times this event was applied before (0 the first time): a re-sent event is a new receipt. */
  readonly repeat: number;
  readonly at: Date;
}

export interface DriftingCrmStats {
  received: number;
  badSignature: number;
  dropped: number;
  delayed: number;
  applied: number;
}

/** A CRM on loopback that receives the ledger's webhooks and does not always take them in. */
export interface DriftingCrm {
  readonly url: string;
  readonly stats: Readonly<DriftingCrmStats>;
  /** The orders whose latest delivery it dropped: what it shows is behind what it was sent. */
  missed(): string[];
  /** What it shows of each order it took in, one row per line: the snapshot it would send a reconciliation. */
  snapshot(): SnapshotRecord[];
  /** Resolves once every delayed delivery has been applied. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** What became of an order's latest delivery (the highest revision it was sent). */
interface Latest { readonly revision: number; fate: 'applied' | 'delayed' | 'dropped' }

/**
 * A real HTTP receiver on 127.0.0.1: verifies each request's Standard
 * Webhooks signature (401 when it does not verify), answers 204, and then
 * drops, delays or applies the delivery, drawn from `seed`. Every applied
 * delivery goes to `onApplied`, which acknowledges it to the ledger. The
 * first delivery is always applied, so the ledger's view of this consumer
 * starts with the first event it was sent.
 */
export async function startDriftingCrm(options: { secret: string; drift: Drift; seed: number; onApplied: (receipt: Receipt) => void }): Promise<DriftingCrm> {
  const verifier = new Webhook(options.secret);
  const random = new Prng(options.seed, 0xc4);
  const stats: DriftingCrmStats = { received: 0, badSignature: 0, dropped: 0, delayed: 0, applied: 0 };
  const latest = new Map<string, Latest>();
  const shown = new Map<string, { revision: number; view: CrmView }>();
  const appliedTimes = new Map<string, number>();
  const seen = new Set<string>();
  const pending = new Set<NodeJS.Timeout>();
  let idle: (() => void)[] = [];

  const apply = (orderKey: string, eventId: string, revision: number, mark: Latest, view: CrmView | undefined) => {
    // What it shows is the view of the highest revision it took in (a late older one does not undo a newer one).
    if (view && revision >= (shown.get(orderKey)?.revision ?? -1)) shown.set(orderKey, { revision, view });
    const repeat = appliedTimes.get(eventId) ?? 0;
    appliedTimes.set(eventId, repeat + 1);
    mark.fate = 'applied';
    stats.applied++;
    options.onApplied({ orderKey, eventId, revision, repeat, at: new Date() });
  };

  const take = (headers: Record<string, string>, body: string): number => {
    try {
      verifier.verify(body, headers);
    } catch {
      stats.badSignature++;
      return 401;
    }
    const event = JSON.parse(body) as { id: string; subject?: string; streamrevision: number; data?: CrmView };
    stats.received++;
    if (event.subject === undefined) return 204;
    const first = !seen.has(event.id);
    seen.add(event.id);
    const mark: Latest = { revision: event.streamrevision, fate: 'applied' };
    // A re-send of an older event does not move what the order's latest delivery was.
    if (mark.revision >= (latest.get(event.subject)?.revision ?? -1)) latest.set(event.subject, mark);
    if (first && seen.size > 1 && random.chance(options.drift.drop)) {
      stats.dropped++;
      mark.fate = 'dropped';
      return 204;
    }
    if (random.chance(options.drift.delay)) {
      stats.delayed++;
      mark.fate = 'delayed';
      const timer = setTimeout(() => {
        pending.delete(timer);
        apply(event.subject!, event.id, event.streamrevision, mark, event.data);
        if (pending.size === 0) for (const resolve of idle.splice(0)) resolve();
      }, options.drift.delayMs);
      pending.add(timer);
      return 204;
    }
    apply(event.subject, event.id, event.streamrevision, mark, event.data);
    return 204;
  };

  const server: Server = createServer((req, res) => {
    readBody(req).then((body) => {
      res.statusCode = req.method === 'POST' ? take(headersOf(req), body) : 405;
      res.end();
    }, () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ledger-webhooks`,
    stats,
    missed: () => [...latest].filter(([, mark]) => mark.fate === 'dropped').map(([orderKey]) => orderKey).sort(),
    snapshot: () => [...shown].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([order, { view }]): SnapshotRecord[] => {
      const figures = { order, status: view.status, ordered_value: view.orderedValue, invoiced_total: view.invoicedTotal };
      if (view.lines.length === 0) return [{ ...figures, line: null, ordered: null, shipped: null, invoiced: null }];
      return view.lines.map((l) => ({ ...figures, line: l.lineNo, ordered: l.quantities.ordered, shipped: l.quantities.shipped, invoiced: l.quantities.invoiced }));
    }),
    settled: () => (pending.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
    async close() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      for (const resolve of idle.splice(0)) resolve();
      idle = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  return headers;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
