import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createEventStore } from '../eventstore/createEventStore.js';
import type { EventStore } from '../eventstore/EventStore.js';
import { IntegratorRepository, type IntegratorChange } from '../integrations/IntegratorRepository.js';
import { integratorStatus } from '../integrations/integratorStatus.js';
import { discardParkedEvent, retryParkedEvent, type ParkedActionResult } from '../integrations/parkedEventActions.js';
import { parkedEventList, type ParkedEvent } from '../integrations/ParkedEventRepository.js';
import { keysetPage } from '../projections/reports/keysetPage.js';
import { openDatabase, type Database } from '../postgres/openDatabase.js';
import { exitWith } from './exitWith.js';
import { SecretBox } from '../integrations/SecretBox.js';

/**
 * `order-ledger integrators …` and `order-ledger parked …`: the admin API's
 * operations, straight on the database. A running service picks pause,
 * resume and reset up within a second or two.
 */
export function registerIntegrators(program: Command): void {
  const integrators = program.command('integrators').description('outbound integrators: status, reset, pause, resume');

  integrators.command('list').description('status, checkpoint, lag, breaker and last error of each integrator')
    .action(() => withLog(async (db, store) => {
      for (const record of await new IntegratorRepository(db.pool).list()) {
        const s = await integratorStatus(store, record);
        console.log([s.name.padEnd(20), s.status.padEnd(8), `lag ${s.lag.events}${s.lag.capped ? '+' : ''} (${s.lag.seconds}s)`.padEnd(18),
          `breaker ${s.breaker}`.padEnd(18), `at ${s.checkpoint || '(start)'}`, s.lastError ? ` last error: ${s.lastError}` : ''].join('  '));
      }
    }));

  integrators.command('reset <name> <position>').description("move the checkpoint ('start', 'end' or a position); delivery replays from there")
    .action((name: string, position: string) => withLog(async (db, store) => {
      const to = position === 'start' ? '' : position === 'end' ? await store.headPosition() : checked(store, position);
      report(name, await new IntegratorRepository(db.pool).reset(name, to));
    }));

  integrators.command('pause <name>').description('stop delivering until resumed')
    .action((name: string) => withDatabase(async (db) => report(name, await new IntegratorRepository(db.pool).pause(name))));

  integrators.command('resume <name>').description('deliver again (also restarts one the stop policy stopped)')
    .action((name: string) => withDatabase(async (db) => report(name, await new IntegratorRepository(db.pool).resume(name))));

  integrators.command('reseal').description('seal every integrator secret with the current secrets key (after adding a key; see docs/secrets.md)')
    .action(() => withDatabase(async (db) => {
      const secrets = await SecretBox.load(exitWith(() => loadConfig()).secrets);
      const count = await new IntegratorRepository(db.pool, secrets).resealSecrets();
      console.log(`${count} secret(s) sealed with key ${secrets.currentKeyId}`);
    }));

  const parked = program.command('parked').description('the exception queue: events integrators could not deliver');

  parked.command('list').description('parked events, the highest open value at risk first')
    .option('--integrator <name>', 'only this integrator')
    .option('--all', 'include delivered and discarded ones')
    .action((opts: { integrator?: string; all?: boolean }) => withDatabase(async (db) => {
      // Every page, printed as it comes: the queue can be longer than one.
      const list = parkedEventList(opts);
      let shown = 0;
      for (let cursor: string | undefined; ;) {
        const page = await keysetPage(db.pool, list, { limit: 1000, cursor });
        for (const p of page.items as unknown as ParkedEvent[]) {
          console.log([p.id.padStart(6), p.state.padEnd(9), p.integrator.padEnd(16), `${p.priority} ${p.currency ?? ''}`.padEnd(14),
            p.eventType.padEnd(20), p.orderKey ?? '-', p.position, `${p.attempts}x: ${p.lastError}`].join('  '));
        }
        shown += page.items.length;
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      if (shown === 0) console.error('no parked events');
    }));

  parked.command('retry <id>').description('re-deliver a parked event now')
    .action((id: string) => withDatabase(async (db) => settle(await retryParkedEvent({ pool: db.pool, secrets: await SecretBox.load(exitWith(() => loadConfig()).secrets) }, id, actor()))));

  parked.command('discard <id>').description('give up on a parked event (recorded with the reason)')
    .requiredOption('--reason <text>', 'why it is discarded')
    .action((id: string, opts: { reason: string }) => withDatabase(async (db) => settle(await discardParkedEvent({ pool: db.pool }, id, actor(), opts.reason))));
}

async function withDatabase(run: (db: Database) => Promise<void>): Promise<void> {
  const config = exitWith(() => loadConfig());
  const db = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir, poolSize: 4 });
  try {
    await run(db);
  } finally {
    await db.close();
  }
}

/** Runs `run` with the configured event log too, checked first: a log it cannot read must not move a checkpoint. */
async function withLog(run: (db: Database, store: EventStore) => Promise<void>): Promise<void> {
  const config = exitWith(() => loadConfig());
  await withDatabase(async (db) => {
    const store = opened(() => createEventStore({ pool: db.pool, eventStoreConnectionString: config.eventStoreConnectionString }));
    try {
      await store.checkSetup().catch((error: Error) => fail(error.message));
      await run(db, store);
    } finally {
      await store.close();
    }
  });
}

function opened(open: () => EventStore): EventStore {
  try {
    return open();
  } catch (error) {
    return fail((error as Error).message);
  }
}

function checked(store: EventStore, position: string): string {
  try {
    return store.checkPosition(position);
  } catch (error) {
    return fail((error as Error).message);
  }
}

function actor(): string {
  return `cli:${userInfo().username}`;
}

function report(name: string, change: IntegratorChange): void {
  if (!change.ok) fail(`no integrator named ${name}`);
  console.log(`${name}: ${change.record.status}, checkpoint ${change.record.position || '(start)'}`);
}

function settle(result: ParkedActionResult): void {
  if (result.ok) {
    console.log(`parked event ${result.parked.id}: ${result.parked.state}${result.resumedIntegrator ? `; ${result.parked.integrator} runs again` : ''}`);
    return;
  }
  fail(result.code === 'DELIVERY_FAILED' ? `delivery failed again: ${result.error}` : result.code === 'PARKED_EVENT_RESOLVED' ? `already ${result.state}` : result.code);
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
