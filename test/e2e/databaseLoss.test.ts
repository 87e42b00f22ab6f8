import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/postgres/freePort.js';
import { waitForHttp } from '../support/waitForHttp.js';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir = '';

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the service when its embedded PostgreSQL dies', () => {
  it('exits non-zero within seconds, saying the database is gone, instead of failing every request', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'order-ledger-e2e-'));
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      expect((await waitForHttp(`http://127.0.0.1:${port}/health`, 60_000)).status).toBe(200);
      const postmaster = Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const killedAt = Date.now();
      process.kill(postmaster, 'SIGKILL');
      const code = await exited;
      expect(code).toBe(1);
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      expect(output).toMatch(/embedded PostgreSQL server \(pid \d+, data in .+\) is no longer running; order-ledger cannot run without it and exits/);
      expect(output).not.toMatch(/Unhandled|uncaught/i);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
