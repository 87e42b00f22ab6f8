import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/postgres/embeddedPostgres.js';

let root = '';
let first: EmbeddedServer | undefined;

afterAll(async () => {
  await first?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query('SELECT 1 AS one')).rows[0].one === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('startEmbeddedPostgres', () => {
  it('shares a server already running on the same data folder, and leaves it running when the sharer stops', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'order-ledger-embedded-'));
    await chmod(root, 0o755);
    const dir = path.join(root, 'pg');
    first = await startEmbeddedPostgres({ dir });
    const second = await startEmbeddedPostgres({ dir });
    expect(second.port).toBe(first.port);
    expect(await answers(second.adminUrl)).toBe(true);
    await second.stop();
    expect(await answers(first.adminUrl)).toBe(true);
    await first.stop();
    first = undefined;
    expect(await answers(second.adminUrl)).toBe(false);
  }, 60_000);

  it.skipIf(userInfo().uid !== 0)('as root, refuses a data folder the postgres user cannot reach, naming the folder and the fix', async () => {
    const locked = await mkdtemp(path.join(tmpdir(), 'order-ledger-locked-'));
    try {
      await chmod(locked, 0o700);
      const attempt = startEmbeddedPostgres({ dir: path.join(locked, 'data', 'postgres') });
      await expect(attempt).rejects.toThrow(`cannot enter ${locked} (mode 700)`);
      await expect(attempt).rejects.toThrow(/Set LEDGER_DATA_DIR to a folder outside it .*chmod o\+x/);
    } finally {
      await rm(locked, { recursive: true, force: true });
    }
  });
});
