import type pg from 'pg';
import type { RecordedEvent } from '../../eventstore/EventStore.js';
import { endSpan, openSpan, within, type Span } from '../../observability/tracing.js';
import type { Applier, PreparedBatch } from '../Projection.js';
import { reportingSchema, tablesIn } from '../sql.js';
import { applyBatch, type Batch, type BatchOutcome, type Expected } from './applyBatch.js';
import { passCheckpoint } from './checkpoints.js';
import { eventBatches } from './eventBatches.js';
import { Lookout, Serial, Throttle } from './lookout.js';
import type { SessionEnd, WorkerOptions } from './projectionWorker.js';

/**
 * Follows the log from `start` and applies it batch by batch, folding the
 * next batch while the previous one is written (two steps of the applier,
 * see Projection.ts), until stopped, failed, or the checkpoint moved.
 */
export async function follow(options: WorkerOptions, client: pg.PoolClient, start: Expected, stops: readonly AbortSignal[]): Promise<SessionEnd> {
  const { projection, store, logger, partition } = options;
  const key = { name: projection.name, partition: partition.index };
  const named = { projection: projection.name, partition: partition.index };
  const tables = tablesIn(reportingSchema, projection.tables);
  // Our own controller, so leaving early also ends a subscription that waits for live events.
  const session = new AbortController();
  const stop = () => session.abort();
  for (const signal of stops) {
    signal.addEventListener('abort', stop, { once: true });
    // A stop that came before the listener was attached would otherwise be missed.
    if (signal.aborted) session.abort();
  }
  let resets = 0;
  const opened = projection.open({ store, ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }) });
  const applier: Applier = { ...opened, prepare: (events) => opened.prepare(events), reset: () => { resets += 1; opened.reset(); } };
  let expected = start;
  const look = new Lookout(start.position);
  const serial = new Serial();
  const skipper = new Throttle(options.skipEveryMs ?? 1000, () => void serial.run(async () => {
    const to = look.skippable(expected.position);
    if (to === undefined || session.signal.aborted) return;
    if (await passCheckpoint(client, key, expected, to)) expected = { ...expected, position: to };
  }).catch((error: unknown) => logger.warn({ err: error, ...named }, 'could not move the checkpoint past skipped events')));
  // The batch being written settles on its own, so a move or a failure ends the session even when the log is quiet.
  let inFlight: Promise<void> | undefined;
  let ended: SessionEnd | undefined;
  let crashed: { error: unknown } | undefined;
  const settled = (outcome: BatchOutcome) => {
    if (outcome.kind === 'applied') {
      expected = { ...expected, position: outcome.position };
      return;
    }
    if (outcome.kind === 'failed') {
      logger.error({ ...named, position: outcome.event.position, eventId: outcome.event.id, err: outcome.error },
        `projection ${projection.name} (partition ${partition.index} of ${partition.count}) stopped: ${outcome.event.type} at ${outcome.event.position} could not be applied`);
    }
    ended = outcome.kind;
    session.abort();
  };
  const launch = (batch: Batch, span: Span) => {
    const at = expected;
    span.setAttribute('ledger.from_position', at.position);
    inFlight = serial.run(() => within(span, () => applyBatch(client, key, applier, tables, batch, at))).then((outcome) => {
      endSpan(span, outcome.kind === 'failed' ? outcome.error : undefined);
      settled(outcome);
    }, (error: unknown) => {
      endSpan(span, error);
      crashed = { error };
      session.abort();
    });
  };
  const prepare = (events: readonly RecordedEvent[]) => applier.prepare(events).catch((error: unknown) => failedPreparation(error));
  try {
    const events = look.taking(store.subscribeAll({
      after: start.position, signal: session.signal, batchSize: options.batchSize,
      ...(projection.handles === 'all' ? {} : { types: projection.handles }),
      ...(partition.count > 1 ? { partition } : {}),
      onProgress: (position) => {
        look.scanned = position;
        if (look.skippable(expected.position) !== undefined) skipper.poke();
      },
    }));
    for await (const batch of eventBatches(events, { maxSize: options.batchSize, idleMs: options.idleMs })) {
      if (session.signal.aborted) break;
      // Everything taken is in this batch: its checkpoint may pass the events skipped after it too.
      const through = look.skippable(batch.at(-1)?.position ?? expected.position);
      const seen = resets;
      // One span per batch, from its fold to its commit (the fold overlaps the write of the batch before).
      const span = openSpan('projection_batch', { 'ledger.projection': projection.name, 'ledger.partition': partition.index, 'ledger.events': batch.length, 'ledger.to_position': batch.at(-1)?.position ?? expected.position });
      let prepared = await within(span, () => prepare(batch));
      await inFlight;
      if (session.signal.aborted) {
        endSpan(span);
        break;
      }
      // The batch before failed and was applied again event by event: what was folded on top of it is gone.
      if (resets !== seen) prepared = await within(span, () => prepare(batch));
      launch({ events: batch, prepared, ...(through ? { through } : {}) }, span);
    }
    await inFlight;
    if (crashed) throw crashed.error;
    return ended ?? 'stopped';
  } finally {
    skipper.cancel();
    for (const signal of stops) signal.removeEventListener('abort', stop);
    session.abort();
    await inFlight;
    await serial.idle();
  }
}

/** A batch whose preparation threw: writing it throws the same, so it is applied again event by event and the culprit named. */
function failedPreparation(error: unknown): PreparedBatch {
  return { write: () => Promise.reject(error), committed: () => undefined };
}
