import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorDirectory } from '../../src/anchors/AnchorDirectory.js';
import { loadSigningKey } from '../../src/anchors/anchorKey.js';
import { AnchorWriter } from '../../src/anchors/AnchorWriter.js';
import { describeAnchorBreak } from '../../src/anchors/describeAnchorBreak.js';
import { verifyAgainstAnchors } from '../../src/anchors/verifyAgainstAnchors.js';
import { chainHash, hashedText } from '../../src/domain/auditHash.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { verifyLog } from '../../src/eventstore/postgres/verifyLog.js';
import { readStreamAll, someEvents } from '../eventstore/contract/contractHelpers.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { tempPath } from '../support/tempFile.js';
import { runCli } from '../support/runCli.js';
import { untilReadable } from '../support/untilReadable.js';

/**
 * What an owner can do that the service's role cannot: switch the triggers
 * off for one transaction, rewrite an event, and recompute every later hash
 * of its stream so that the chain inside the database holds again.
 */
async function rewriteAsOwner(db: TestDatabase, streamId: string, revision: bigint, data: unknown): Promise<void> {
  const store = createPostgresEventStore({ pool: db.owner });
  const events = await readStreamAll(store, streamId);
  await store.close();
  const client = await db.owner.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    let prev = events[Number(revision) - 1]?.hash ?? null;
    for (const event of events.filter((e) => e.revision >= revision)) {
      const changed = event.revision === revision ? { ...event, data } : event;
      const hash = chainHash(prev, hashedText({ ...changed, recordedAt: event.recordedAt.toISOString() }));
      await client.query('UPDATE ledger.events SET data = $3, prev_hash = $4, hash = $5 WHERE stream_id = $1 AND revision = $2',
        [streamId, event.revision.toString(), JSON.stringify(changed.data), prev, hash]);
      prev = hash;
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

describe('anchors', () => {
  const db = createTestDatabase(4);
  let dir = '';
  let directory: AnchorDirectory;
  let writer: AnchorWriter;
  const trusted = new Map();

  beforeAll(async () => {
    const pool = (await db).pool;
    dir = path.dirname(await tempPath('x'));
    directory = new AnchorDirectory(path.join(dir, 'anchors'));
    const key = await loadSigningKey(path.join(dir, 'signing-key.pem'));
    trusted.set(key.keyId, key.publicKey);
    writer = new AnchorWriter({ pool, directory, key });
    const store = createPostgresEventStore({ pool });
    // One anchor after each event of AN-1, as hourly anchors of an order that moves about once an hour.
    for (const [i, event] of someEvents(5).entries()) {
      await store.append('order-AN-1', [event], { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) });
      if (i === 1) await store.append('order-AN-2', someEvents(3), { expectedRevision: 'no_stream' });
      await untilReadable(store);
      const outcome = await writer.anchorNow();
      expect(outcome.written).toBe(true);
    }
    await store.close();
  });

  it('writes a signed, chained anchor per call, listing only the streams that moved, and none when nothing did', async () => {
    const records = await directory.read();
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[1]!.heads.map((h) => h[0]).sort()).toEqual(['order-AN-1', 'order-AN-2']);
    expect(records[4]).toMatchObject({ streams: 2, events: '8', heads: [['order-AN-1', '4', expect.any(String)]] });
    expect(await writer.anchorNow()).toEqual({ written: false, reason: 'nothing appended since anchor 5' });
    expect((await stat(path.join(directory.dir, AnchorDirectory.fileName(5)))).mode & 0o777).toBe(0o444);
    expect(await directory.write(records[4]!)).toBe(false);
  });

  it('proves the untouched log against every anchor', async () => {
    const result = await verifyAgainstAnchors((await db).pool, await directory.read(), trusted);
    expect(result).toMatchObject({ ok: true, anchorsValid: true, anchors: 5, breaks: [] });
  });

  it('names the event an owner rewrote, though every hash in the database was recomputed and verify alone passes', async () => {
    const { pool } = await db;
    const original = await readStreamAll(createPostgresEventStore({ pool }), 'order-AN-1');
    await rewriteAsOwner(await db, 'order-AN-1', 2n, { i: 2, note: 'forged' });
    // The limit of a chain kept inside the database it protects:
    expect((await verifyLog(pool)).broken).toEqual([]);
    const result = await verifyAgainstAnchors(pool, await directory.read(), trusted);
    expect(result.ok).toBe(false);
    if (!result.anchorsValid) throw new Error(result.reason);
    expect(result.breaks).toHaveLength(1);
    expect(result.breaks[0]).toMatchObject({
      streamId: 'order-AN-1', reason: 'HASH_DIFFERS', revision: 2n, eventId: original[2]!.id, anchorSeq: 3,
      anchoredHash: original[2]!.hash, matchesUpTo: { revision: 1n, anchorSeq: 2 },
    });
    expect(describeAnchorBreak(result.breaks[0]!)).toBe(
      `order AN-1 (stream order-AN-1): event ${original[2]!.id} at revision 2 does not match anchor 3 (anchored hash ${original[2]!.hash}, ` +
        `the log has ${result.breaks[0]!.logHash}); the log still matches anchor 2 up to revision 1, so this is the altered event`,
    );
  });

  it('names an anchored event deleted from the log', async () => {
    const client = await (await db).owner.connect();
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query("DELETE FROM ledger.events WHERE stream_id = 'order-AN-2' AND revision = 2");
    await client.query('COMMIT');
    client.release();
    const result = await verifyAgainstAnchors((await db).pool, await directory.read(), trusted);
    if (!result.anchorsValid) throw new Error(result.reason);
    expect(result.breaks.map((b) => [b.streamId, b.reason, b.revision])).toEqual([['order-AN-2', 'EVENT_MISSING', 2n], ['order-AN-1', 'HASH_DIFFERS', 2n]]);
  });

  it('trusts no anchor that was edited, dropped, or signed by a key it was not given', async () => {
    const { pool } = await db;
    const records = await directory.read();
    const edited = records.map((r) => (r.seq === 3 ? { ...r, heads: [] } : r));
    expect(await verifyAgainstAnchors(pool, edited, trusted)).toMatchObject({ anchorsValid: false, seq: 3, reason: expect.stringMatching(/signature does not verify/) });
    expect(await verifyAgainstAnchors(pool, records.filter((r) => r.seq !== 2), trusted)).toMatchObject({ anchorsValid: false, seq: 3, reason: 'anchor 2 is missing' });
    const stranger = await loadSigningKey(path.join(dir, 'another-key.pem'));
    expect(await verifyAgainstAnchors(pool, records, new Map([[stranger.keyId, stranger.publicKey]]))).toMatchObject({ anchorsValid: false, seq: 1, reason: expect.stringMatching(/not one of the trusted keys/) });
  });
});

describe('order-ledger anchor and verify --anchors, run as processes', () => {
  it('anchor writes an anchor; after a rewrite verify still exits 0, verify --anchors exits 1 naming the order and event', async () => {
    const db = await createTestDatabase(2);
    const dir = path.dirname(await tempPath('x'));
    const env = { DATABASE_URL: db.url, LEDGER_ANCHORS_DIR: path.join(dir, 'anchors'), LEDGER_ANCHOR_KEY_FILE: path.join(dir, 'key.pem') };
    const store = createPostgresEventStore({ pool: db.pool });
    await store.append('order-CLI-1', someEvents(1), { expectedRevision: 'no_stream' });
    await untilReadable(store);
    expect((await runCli(['anchor'], env)).stdout).toMatch(/^anchor 1: position [0-9a-f-]+, 1 streams, 1 events, root [0-9a-f]{64}/);
    await store.append('order-CLI-1', someEvents(1), { expectedRevision: 0n });
    await untilReadable(store);
    await store.close();
    const second = await runCli(['anchor'], env);
    expect(second.stdout).toMatch(/^anchor 2: /);
    const original = await readStreamAll(createPostgresEventStore({ pool: db.pool }), 'order-CLI-1');
    await rewriteAsOwner(db, 'order-CLI-1', 1n, { forged: true });

    const plain = await runCli(['verify'], { DATABASE_URL: db.url });
    expect(plain.stdout).toContain('every chain intact');
    expect(plain.code).toBe(0);
    const keyId = (await readdir(path.join(dir, 'anchors', 'keys')))[0]!;
    const anchored = await runCli(['verify', '--anchors', env.LEDGER_ANCHORS_DIR, '--public-key', path.join(dir, 'anchors', 'keys', keyId)], { DATABASE_URL: db.url });
    expect(anchored.stdout).toContain(`order CLI-1 (stream order-CLI-1): event ${original[1]!.id} at revision 1 does not match anchor 2`);
    expect(anchored.stdout).toContain('so this is the altered event');
    expect(anchored.code).toBe(1);
  }, 60_000);
});
