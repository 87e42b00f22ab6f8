import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processes, treeOf } from '../support/processTree.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run demo -- --keep', () => {
  it('leaves the simulated day on a running service, names the dashboard and a read key, and stops everything on SIGTERM', async () => {
    const demo = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--orders', '40', '--seed', '11', '--keep'], {
      cwd: root, env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    const printed = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard line after 150 s\n${stdout}\n${stderr}`)), 150_000);
      demo.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/dashboard {2}read key: (olk_\S+)/.exec(stdout);
        if (found) { clearTimeout(timer); resolve(found); }
      });
      void exited.then((code) => reject(new Error(`demo exited ${code} before it printed the dashboard\n${stdout}\n${stderr}`)));
    });
    const [, url, readKey] = printed;

    // Still up after the summary: the dashboard page, and the day's figures behind the printed key.
    await new Promise((r) => setTimeout(r, 1000));
    const page = await fetch(`${url}/dashboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/dashboard/assets/main.js');
    const [, from, to] = /Summary (\d{4}-\d\d-\d\d) – (\d{4}-\d\d-\d\d)/.exec(stdout) ?? [];
    expect(from, stdout).toBeDefined();
    const summary = await fetch(`${url}/v1/reports/summary?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${readKey}` } });
    expect(summary.status).toBe(200);
    const { orders } = (await summary.json()) as { orders: { received: number; accepted: number; shipped: number; delivered: number } };
    expect(orders.received).toBeGreaterThan(0);
    // The printed summary is read from the same endpoint, over the same days: what it shows is what the service still answers.
    expect(stdout).toContain(`Orders: ${orders.received} received, ${orders.accepted} accepted, ${orders.shipped} shipped, ${orders.delivered} fully delivered`);
    // And the sync summary of the drifting CRM it ran beside the service.
    expect(stdout).toMatch(/drifting-crm \(integrator\) +(in step|BEHIND|FAILING) +\d+ of \d+ orders in step/);
    expect(stdout).toMatch(/the drifting CRM lost \d+ and delayed \d+ of \d+ deliveries/);
    const unauthorised = await fetch(`${url}/v1/reports/summary`, { headers: { authorization: 'Bearer olk_nope' } });
    expect(unauthorised.status).toBe(401);

    const tree = treeOf(demo.pid!);
    expect(processes().some((p) => tree.includes(p.pid) && p.args.includes('postgres'))).toBe(true);
    demo.kill('SIGTERM');
    expect(await exited).toBe(0);
    // A zombie (esbuild's, from tsx, reparented to an init that does not reap) runs nothing and holds nothing.
    expect(processes().filter((p) => tree.includes(p.pid) && !p.args.includes('<defunct>'))).toEqual([]);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 200_000);
});
