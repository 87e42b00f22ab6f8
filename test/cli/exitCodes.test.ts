import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExitCodes } from '../../src/cli/verifyCommand.js';
import { configSchema } from '../../src/config.js';
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

describe('order-ledger verify, when there is nothing to check as asked', () => {
  it('says so in one line and exits 2 for an order the log does not hold, distinct from a broken chain', async () => {
    const ran = await cli(['verify', '--order', 'NOPE'], { DATABASE_URL: db.url });
    expect(ran.stderr.trim().split('\n')).toEqual(['verify: no order NOPE in the log']);
    expect(ran.stdout).toBe('');
    expect(ran.code).toBe(verifyExitCodes.usage);
    expect(verifyExitCodes.usage).not.toBe(verifyExitCodes.broken);
  });

  it('exits 3, in one line, when the log cannot be reached', async () => {
    const ran = await cli(['verify'], { DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/none' });
    expect(ran.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^verify: could not check the log: .*ECONNREFUSED/)]);
    expect(ran.code).toBe(verifyExitCodes.unchecked);
  });

  it('lists its exit codes in its help', async () => {
    const ran = await cli(['verify', '--help']);
    expect(ran.code).toBe(0);
    for (const code of Object.values(verifyExitCodes)) expect(ran.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
  });
});

describe('order-ledger --version and serve --help, run as a process', () => {
  it('prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const ran = await cli(['--version']);
    expect([ran.stdout, ran.code]).toEqual([`${version}\n`, 0]);
  });

  it('lists every setting the service reads, with its default, under serve --help', async () => {
    const ran = await cli(['serve', '--help']);
    expect(ran.code).toBe(0);
    const listed = [...ran.stdout.matchAll(/^ {2}([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(configSchema.shape));
    expect(ran.stdout).toMatch(/^ {2}PORT=3000 +port the HTTP API listens on$/m);
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
