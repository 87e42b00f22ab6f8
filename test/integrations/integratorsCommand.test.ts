import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerIntegrators } from '../../src/cli/integratorsCommand.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { freePort } from '../../src/postgres/freePort.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { testSecret } from './support/integratorHarness.js';
import { testSecrets } from '../support/testSecrets.js';

const db = await createTestDatabase();

describe('order-ledger integrators / parked', () => {
  const repository = new IntegratorRepository(db.pool, testSecrets);
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    process.env.DATABASE_URL = db.url;
    await repository.upsert(integratorConfigSchema.parse({ name: 'erp-hook', url: 'http://127.0.0.1:9/x', secret: testSecret }), 'file');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const err = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line));
    try {
      const program = new Command('order-ledger').exitOverride();
      registerIntegrators(program);
      await program.parseAsync(['node', 'order-ledger', ...args]);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    return out.join('\n');
  };

  it('pauses, lists and resumes an integrator through the database', async () => {
    expect(await run('integrators', 'pause', 'erp-hook')).toContain('erp-hook: paused');
    expect((await repository.get('erp-hook'))!.paused).toBe(true);
    const listed = await run('integrators', 'list');
    expect(listed).toMatch(/erp-hook\s+paused/);
    expect(listed).not.toContain('whsec_');
    expect(await run('integrators', 'resume', 'erp-hook')).toContain('erp-hook: running');
    expect(await run('integrators', 'reset', 'erp-hook', 'start')).toContain('checkpoint (start)');
    expect(await run('parked', 'list')).toContain('no parked events');
  });

  it('lists every parked event, past the first page, the highest value at risk first', async () => {
    await db.pool.query(
      `INSERT INTO integration.parked_events (integrator, event_id, position, stream_id, order_key, event_type, priority, currency, policy, attempts, last_error, body)
       SELECT 'erp-hook', gen_random_uuid(), 'p' || n, 'order-PL-' || n, 'PL-' || n, 'OrderAccepted', n % 7, 'USD', 'park', 3, 'HTTP 422', '{}'
         FROM generate_series(1, 1005) AS n`);
    const lines = (await run('parked', 'list')).split('\n');
    expect(lines).toHaveLength(1005);
    expect(new Set(lines.map((l) => l.trim().split(/\s+/)[0])).size).toBe(1005);
    const priorities = lines.map((l) => Number(l.trim().split(/\s{2,}/)[3]!.split(' ')[0]));
    expect([priorities[0], priorities.at(-1)]).toEqual([6, 0]);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    await db.pool.query(`DELETE FROM integration.parked_events`);
  });

  it('refuses a position that another store issued, and leaves the checkpoint where it was', async () => {
    await run('integrators', 'reset', 'erp-hook', 'start');
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => { throw new Error('exit'); });
    try {
      await expect(run('integrators', 'reset', 'erp-hook', 'kdb:0000000000000001-0000000000000001')).rejects.toThrow('exit');
      expect(exit).toHaveBeenCalledWith(2);
    } finally {
      exit.mockRestore();
    }
    expect((await repository.get('erp-hook'))!.position).toBe('');
  });

  it('works on the configured KurrentDB store, and stops naming it when it does not answer', async () => {
    process.env.EVENTSTORE_CONNECTION_STRING = `kurrentdb://127.0.0.1:${await freePort()}?tls=false`;
    const printed: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => { throw new Error('exit'); });
    try {
      const program = new Command('order-ledger').exitOverride();
      registerIntegrators(program);
      // `reset … end` on the PostgreSQL log would take that log's head: a checkpoint the KurrentDB log never issued.
      await expect(program.parseAsync(['node', 'order-ledger', 'integrators', 'reset', 'erp-hook', 'end'])).rejects.toThrow('exit');
      expect(printed.join('\n')).toMatch(/KurrentDB at kurrentdb:\/\/127\.0\.0\.1:\d+ \(no TLS\) did not answer to read \$all/);
    } finally {
      exit.mockRestore();
      err.mockRestore();
      delete process.env.EVENTSTORE_CONNECTION_STRING;
    }
    expect((await repository.get('erp-hook'))!.position).toBe('');
  });
});
