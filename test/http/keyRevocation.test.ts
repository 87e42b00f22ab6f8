import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { keyRoutes } from '../../src/http/auth/keyRoutes.js';
import { buildApp } from '../../src/http/buildApp.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';

const root = path.resolve(import.meta.dirname, '../..');
/** The delay docs/api.md promises with the default LEDGER_API_KEYS_REFRESH_MS of 1000. */
const documentedDelayMs = 2000;

/** An instance, the path a read key is probed on there, and the status that path answers a valid key. */
interface Instance { url: string; probePath: string; accepted: number; close(): Promise<void> }

let db: TestDatabase;
let first: Instance & { keys: ApiKeyStore };
let second: Instance;
let admin: string;

/** A listening instance in this process, with a pool and a key store of its own. */
async function inProcess(url: string): Promise<Instance & { keys: ApiKeyStore }> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const keys = await ApiKeyStore.open(pool);
  keys.watch();
  const app = await buildApp({
    logger: createLogger('silent'), pool, keys,
    plugins: [keyRoutes(keys), async (scoped) => {
      scoped.get('/v1/probe', { config: { scope: 'read' } }, async (request) => ({ keyId: request.principal?.keyId }));
    }],
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, probePath: '/v1/probe', accepted: 200, keys, close: async () => { await keys.stop(); await app.close(); await pool.end(); } };
}

/**
 * The whole service as an operator starts it, `order-ledger serve`, in a
 * process of its own on the same database: nothing of it is shared with
 * this one but PostgreSQL. A read key there gets 404 for an order nobody placed.
 */
async function separateProcess(url: string): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LEDGER_DATA_DIR: '/nonexistent-ledger-data', LEDGER_PROJECTIONS: 'off', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`order-ledger serve did not start in 60 s:\n${output}`)), 60_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const printed = /Dashboard: (http:\/\/\S+)\/dashboard/.exec(output)?.[1];
      if (printed) {
        clearTimeout(timer);
        resolve(printed);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    void exited.then((code) => reject(new Error(`order-ledger serve exited ${code}:\n${output}`)));
  });
  return {
    url: address, probePath: '/v1/orders/NONE-1', accepted: 404,
    close: async () => {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  };
}

const probe = async (at: Instance, key: string) =>
  (await fetch(`${at.url}${at.probePath}`, { headers: { authorization: `Bearer ${key}` } })).status;

/** Milliseconds until `at` answers `status` for `key` (`accepted` for its accepted status); fails past twice the documented delay. */
async function msUntil(at: Instance, key: string, status: number | 'accepted', since: number): Promise<number> {
  const wanted = status === 'accepted' ? at.accepted : status;
  for (;;) {
    if ((await probe(at, key)) === wanted) return Date.now() - since;
    if (Date.now() - since > 2 * documentedDelayMs) throw new Error(`still not ${wanted} after ${Date.now() - since} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await createTestDatabase(4);
  first = await inProcess(db.url);
  admin = (await first.keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key;
  second = await separateProcess(db.url);
}, 90_000);
afterAll(async () => {
  await first?.close();
  await second?.close();
});

describe('a key change on running instances: one in this process, one `order-ledger serve` of its own on the same database', () => {
  it('a key created on one instance is accepted by the other within the documented delay', async () => {
    const created = await fetch(`${first.url}/v1/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ system: 'WMS', scopes: ['read'], label: 'new scanner' }),
    });
    expect(created.status).toBe(201);
    const body = await created.json() as { key: string; id: string };
    const since = Date.now();
    expect(await probe(first, body.key)).toBe(200);
    expect(await msUntil(second, body.key, 'accepted', since)).toBeLessThan(documentedDelayMs);
  });

  it('a key revoked through the admin endpoint of one instance is refused by both within the documented delay', async () => {
    const { key, record } = await first.keys.create({ system: 'WMS', scopes: ['read'], actor: 'test' });
    await msUntil(second, key, 'accepted', Date.now());
    const since = Date.now();
    const revoked = await fetch(`${first.url}/v1/keys/${record.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(revoked.status).toBe(204);
    expect(await probe(first, key)).toBe(401);
    expect(await msUntil(second, key, 401, since)).toBeLessThan(documentedDelayMs);
    const again = await fetch(`${first.url}/v1/keys/${record.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(again.status).toBe(404);
    const acts = (await first.keys.acts()).filter((a) => a.keyId === record.id);
    expect(acts.map((a) => a.act)).toEqual(['created', 'revoked']);
    expect(acts[1]!.actor).toMatch(/^ADMIN:[a-z0-9]{12}$/);
  });

  it('a key revoked with `order-ledger keys revoke` is refused by both running instances within the documented delay', async () => {
    const { key, record } = await first.keys.create({ system: 'WMS', scopes: ['read'], actor: 'test' });
    await msUntil(second, key, 'accepted', Date.now());
    expect([await probe(first, key), await probe(second, key)]).toEqual([200, 404]);
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'revoke', record.id], {
      cwd: root, env: { ...process.env, DATABASE_URL: db.url },
    });
    const since = Date.now();
    expect(stderr).toContain(`revoked ${record.id}`);
    const delays = [await msUntil(first, key, 401, since), await msUntil(second, key, 401, since)];
    for (const delay of delays) expect(delay).toBeLessThan(documentedDelayMs);
    expect((await first.keys.acts()).filter((a) => a.keyId === record.id).at(-1)).toMatchObject({ act: 'revoked', actor: expect.stringMatching(/^cli:/) });
  }, 30_000);

  it('lists keys without secrets, and refuses the admin routes to a key without the admin scope', async () => {
    const { key } = await first.keys.create({ system: 'CRM', scopes: ['read'], actor: 'test' });
    const listed = await fetch(`${first.url}/v1/keys`, { headers: { authorization: `Bearer ${admin}` } });
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(key.slice('olk_'.length + 13));
    expect(text).not.toContain('secret');
    expect((await fetch(`${first.url}/v1/keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
  });
});
