import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRebuild } from '../../src/cli/rebuildCommand.js';
import { freePort } from '../../src/postgres/freePort.js';
import { createTestDatabase } from '../support/testDatabase.js';

const db = await createTestDatabase();

describe('order-ledger rebuild', () => {
  const saved = process.env.DATABASE_URL;
  beforeAll(() => {
    process.env.DATABASE_URL = db.url;
  });
  afterAll(() => {
    delete process.env.EVENTSTORE_CONNECTION_STRING;
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('reads the configured KurrentDB log, and swaps nothing in when that log does not answer', async () => {
    process.env.EVENTSTORE_CONNECTION_STRING = `kurrentdb://127.0.0.1:${await freePort()}?tls=false`;
    const before = await db.pool.query('SELECT name, version, position FROM reporting.projection_checkpoints ORDER BY name');
    const program = new Command('order-ledger').exitOverride();
    registerRebuild(program);
    await expect(program.parseAsync(['node', 'order-ledger', 'rebuild', 'audit_trail'])).rejects.toThrow(/KurrentDB at kurrentdb:\/\/127\.0\.0\.1:\d+ \(no TLS\) did not answer to read \$all/);
    const after = await db.pool.query('SELECT name, version, position FROM reporting.projection_checkpoints ORDER BY name');
    expect(after.rows).toEqual(before.rows);
  });
});
