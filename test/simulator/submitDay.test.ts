import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceSystemKinds, type SourceSystemKind } from '../../src/domain/sourceSystems.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import type { SimOrder } from '../../src/simulator/SimEvent.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import type { SimulationSummary } from '../../src/simulator/SubmitTally.js';
import { createTestApp, type TestApp } from '../http/support/testApp.js';

describe('submitDay', () => {
  let t: TestApp;
  let orders: SimOrder[];
  let summary: SimulationSummary;

  beforeAll(async () => {
    t = await createTestApp();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const keys = Object.fromEntries(sourceSystemKinds.map((s) => [s, t.auth[s].authorization.replace(/^Bearer /, '')])) as Record<SourceSystemKind, string>;
    // A seed whose 30 orders include retries, an early alias and an out-of-order fact (checked below).
    orders = [...generateDay({ orders: 30, seed: 11, days: 1, start: new Date('2026-03-02T00:00:00Z'), mess: { retry: 0.05, scanBeforeShipment: 0.1, invoiceBeforeShipment: 0.1, earlyAlias: 0.1, unknownAlias: 0.05 } })];
    summary = await submitDay(orders, { url, keys, concurrency: 8 });
  });
  afterAll(async () => t.app.close());

  const planned = (kind: string) => orders.flatMap((o) => o.events).filter((e) => e.mess === kind).length;

  it('submits every event and answers each without a server error or refusal', () => {
    expect(summary.submitted).toBe(orders.flatMap((o) => o.events).length);
    expect(summary.serverErrors).toBe(0);
    expect(summary.refusals).toEqual({});
    expect(summary.accepted + summary.duplicates + summary.unmatched).toBe(summary.submitted);
  });

  it('recognises every retry as a duplicate and parks every unknown alias', () => {
    expect(planned('retry')).toBeGreaterThan(0);
    expect(summary.duplicates).toBe(planned('retry'));
    expect(planned('early-alias') + planned('unknown-alias')).toBeGreaterThan(0);
    expect(summary.unmatched).toBe(planned('early-alias') + planned('unknown-alias'));
  });

  it('agrees with the log and the unmatched queue: accepted plus re-driven events, and the exceptions the ledger raised', async () => {
    const { rows } = await t.db.pool.query<{ parked: number; exceptions: number; facts: number; redriven: number; waiting: number; queueLeaks: number }>(`
      SELECT (SELECT count(*)::int FROM ledger.unmatched_transitions) AS parked,
             (SELECT count(*)::int FROM ledger.unmatched_transitions WHERE state = 'waiting') AS waiting,
             count(*) FILTER (WHERE stream_id NOT LIKE 'order-%')::int AS "queueLeaks",
             count(*) FILTER (WHERE type = 'ExceptionRaised')::int AS exceptions,
             count(*) FILTER (WHERE stream_id LIKE 'order-%' AND type <> 'ExceptionRaised')::int AS facts,
             count(*) FILTER (WHERE stream_id LIKE 'order-%' AND type <> 'ExceptionRaised'
                              AND metadata->>'causationId' IN (SELECT id::text FROM ledger.unmatched_transitions WHERE state = 'applied'))::int AS redriven
        FROM ledger.events`);
    const log = rows[0]!;
    // Waiting transitions never enter the log: only order streams are there.
    expect(log.queueLeaks).toBe(0);
    expect(log.waiting).toBe(planned('unknown-alias'));
    expect(log.parked).toBe(summary.unmatched);
    expect(log.redriven).toBe(planned('early-alias'));
    expect(log.facts).toBe(summary.accepted + log.redriven);
    expect(log.exceptions).toBeGreaterThanOrEqual(summary.exceptionsRaised);
    expect(summary.exceptionsRaised).toBeGreaterThan(0);
  });
});

describe('submitDay through POST /v1/batches', () => {
  let one: Ledger;
  let batched: Ledger;
  beforeAll(async () => {
    one = await ledgerWithKeys();
    batched = await ledgerWithKeys();
  });
  afterAll(async () => {
    await one.t.app.close();
    await batched.t.app.close();
  });

  it('gives the same answers as one request per event, on a ledger of its own', async () => {
    const day = () => generateDay({ orders: 30, seed: 11, days: 1, start: new Date('2026-03-02T00:00:00Z'), mess: { retry: 0.05, scanBeforeShipment: 0.1, invoiceBeforeShipment: 0.1, earlyAlias: 0.1, unknownAlias: 0.05 } });
    const single = await submitDay(day(), { url: one.url, keys: one.keys, concurrency: 8 });
    const viaBatches = await submitDay(day(), { url: batched.url, keys: batched.keys, concurrency: 2, batch: 7 });
    const counts = ({ orders, submitted, accepted, duplicates, unmatched, exceptionsRaised, refusals, serverErrors, planned }: SimulationSummary) =>
      ({ orders, submitted, accepted, duplicates, unmatched, exceptionsRaised, refusals, serverErrors, planned });
    expect(counts(viaBatches)).toEqual(counts(single));
    expect(viaBatches.duplicates).toBeGreaterThan(0);
    const log = (t: TestApp) => t.db.pool.query<{ stream_id: string; type: string; n: number }>(
      'SELECT stream_id, type, count(*)::int AS n FROM ledger.events GROUP BY 1, 2 ORDER BY 1, 2');
    expect((await log(batched.t)).rows).toEqual((await log(one.t)).rows);
  });
});

interface Ledger {
  readonly t: TestApp;
  readonly url: string;
  readonly keys: Record<SourceSystemKind, string>;
}

async function ledgerWithKeys(): Promise<Ledger> {
  const t = await createTestApp();
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const keys = Object.fromEntries(sourceSystemKinds.map((s) => [s, t.auth[s].authorization.replace(/^Bearer /, '')])) as Record<SourceSystemKind, string>;
  return { t, url, keys };
}
