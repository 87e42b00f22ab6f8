import { spawn, execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/postgres/freePort.js';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir = '';

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function postgresProcessesFor(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('postgres') && line.includes(dir));
}

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('the service on its embedded PostgreSQL', () => {
  it('starts, migrates, serves /health and /ready, prints keys once, and on SIGTERM exits within 10 s leaving no PostgreSQL behind', async () => {
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

    const health = await waitFor(`http://127.0.0.1:${port}/health`, 60_000);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    expect(postgresProcessesFor(dataDir).length).toBeGreaterThan(0);
    expect(output).toMatch(/API keys created on first start/);
    const printedKey = /WMS\s+(olk_[a-z0-9]{12}_[A-Za-z0-9_-]{43})/.exec(output)?.[1];
    expect(printedKey).toBeDefined();
    const asWms = await fetch(`http://127.0.0.1:${port}/v1/orders/NONE-1`, { headers: { authorization: `Bearer ${printedKey}` } });
    expect(asWms.status).toBe(404);
    // Log lines are JSON; none of them carries a key.
    const logLines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes('olk_'))).toBe(false);

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(code).toBe(0);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
  }, 90_000);
});
