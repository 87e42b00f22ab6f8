import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/postgres/freePort.js';
import { imageCommand } from '../support/dockerfileCommand.js';
import { processes, treeOf } from '../support/processTree.js';
import { waitForHttp } from '../support/waitForHttp.js';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir = '';

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start: the compiled service on its embedded PostgreSQL', () => {
  it('builds, runs from dist/, prints keys once, pins the PostgreSQL port, and on SIGTERM to npm leaves nothing running', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'order-ledger-e2e-'));
    await chmod(dataDir, 0o755);
    const [port, pgPort] = [await freePort(), await freePort()];
    const npm = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), LEDGER_DATA_DIR: dataDir, LEDGER_EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));

    const health = await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    const tree = treeOf(npm.pid!);
    const all = processes().filter((p) => tree.includes(p.pid));
    // What runs is what the Dockerfile runs (test/dockerfile.test.ts holds it to npm start), from the file the build just wrote.
    const { entrypoint, cmd } = imageCommand();
    expect(existsSync(path.join(root, entrypoint![1]!)), entrypoint![1]).toBe(true);
    expect(all.some((p) => p.args === [...entrypoint!, ...cmd!].join(' '))).toBe(true);
    expect(all.some((p) => p.args.includes('tsx'))).toBe(false);
    expect(all.some((p) => p.args.includes('postgres') && p.args.includes(dataDir))).toBe(true);

    expect(output).toMatch(/API keys created on first start/);
    expect(output).toContain(`Dashboard: http://127.0.0.1:${port}/dashboard`);
    const dashboard = await fetch(`http://127.0.0.1:${port}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('/dashboard/assets/main.js');
    expect((await fetch(`http://127.0.0.1:${port}/dashboard/assets/chart.umd.min.js`)).status).toBe(200);
    const printedKey = /WMS\s+(olk_[a-z0-9]{12}_[A-Za-z0-9_-]{43})/.exec(output)?.[1];
    expect(printedKey).toBeDefined();
    const asWms = await fetch(`http://127.0.0.1:${port}/v1/orders/NONE-1`, { headers: { authorization: `Bearer ${printedKey}` } });
    expect(asWms.status).toBe(404);
    // Log lines are JSON; none of them carries a key.
    const logLines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes('olk_'))).toBe(false);

    // The superuser, as docs/operations.md tells an operator to connect, on the pinned port.
    const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
    const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password, database: 'order_ledger' });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM ledger.api_keys')).rows[0].n).toBe(7);
    await client.end();

    const stoppedAt = Date.now();
    npm.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(code).toBe(0);
    // npm waits for the service it started: by the time it exits, nothing of the tree is left.
    const alive = processes().filter((p) => tree.includes(p.pid) || p.args.includes(dataDir));
    expect(alive).toEqual([]);
  }, 180_000);
});
