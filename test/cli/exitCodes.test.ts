import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { sourceSystemKinds } from '../../src/domain/sourceSystems.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { tempPath } from '../support/tempFile.js';
import { runCli } from '../support/runCli.js';
import { someEvents } from '../eventstore/contract/contractHelpers.js';

const db = await createTestDatabase();

const cli = runCli;

describe('order-ledger verify, run as a process', () => {
  beforeAll(async () => {
    const store = createPostgresEventStore({ pool: db.pool });
    await store.append('order-INTACT-1', someEvents(3), { expectedRevision: 'no_stream' });
    await store.append('order-TAMPERED-1', someEvents(3), { expectedRevision: 'no_stream' });
    await store.close();
  });

  it('exits 0 when every chain is intact', async () => {
    const ran = await cli(['verify'], { DATABASE_URL: db.url });
    expect(ran.stdout).toContain('every chain intact');
    expect(ran.code).toBe(0);
  });

  it('exits 1 when a chain is broken, for the whole log and for one order', async () => {
    // Only a superuser who disables the guard triggers can do this; the service's connection cannot.
    await db.owner.query('ALTER TABLE ledger.events DISABLE TRIGGER USER');
    await db.owner.query("UPDATE ledger.events SET data = jsonb_set(data, '{i}', '99') WHERE stream_id = 'order-TAMPERED-1' AND revision = 1");
    await db.owner.query('ALTER TABLE ledger.events ENABLE TRIGGER USER');

    const whole = await cli(['verify'], { DATABASE_URL: db.url });
    expect(whole.stdout).toContain('1 broken');
    expect(whole.code).toBe(1);
    const one = await cli(['verify', '--order', 'TAMPERED-1'], { DATABASE_URL: db.url });
    expect(one.stdout).toContain('BROKEN at revision 1');
    expect(one.code).toBe(1);
    const other = await cli(['verify', '--order', 'INTACT-1'], { DATABASE_URL: db.url });
    expect(other.stdout).toContain('chain intact');
    expect(other.code).toBe(0);
  });
});

describe('order-ledger simulate, run as a process', () => {
  let server: http.Server;
  let url = '';
  let keys = '';
  beforeAll(async () => {
    // A service that fails every request the way a broken deployment would.
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(500, { 'content-type': 'application/json' }).end('{"title":"boom"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    keys = await tempPath('keys.json');
    await writeFile(keys, JSON.stringify(Object.fromEntries(sourceSystemKinds.map((s) => [s, `olk_${s.toLowerCase()}`]))));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('exits 1 when the service answered with server errors', async () => {
    const ran = await cli(['simulate', '--orders', '3', '--url', url, '--keys', keys, '--tidy', '--json']);
    const summary = JSON.parse(ran.stdout) as { serverErrors: number };
    expect(summary.serverErrors).toBeGreaterThan(0);
    expect(ran.code).toBe(1);
  });
});
