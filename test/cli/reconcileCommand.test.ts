import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { reconciliationRoutes } from '../../src/http/reconciliations/reconciliationRoutes.js';
import { createReportingApp } from '../projections/support/reportingApp.js';
import { runCli } from '../support/runCli.js';
import { tempPath } from '../support/tempFile.js';
import { testSecrets } from '../support/testSecrets.js';
import { ledgerSnapshot, seedOrders, toCsvText, toJsonLines } from '../reconciliation/support/reconciliationLedger.js';

const t = await createReportingApp(({ pool, store, orders }) => [reconciliationRoutes({ pool, store, orders, secrets: testSecrets })]);
let url = '';
let inStep = '';
let drifting = '';

beforeAll(async () => {
  await seedOrders(t.store, t.db.pool, 6);
  await waitUntilCaughtUp(t.runner);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const ledger = await ledgerSnapshot(t.db.pool);
  inStep = await tempPath('in-step.csv');
  await writeFile(inStep, toCsvText(ledger));
  drifting = await tempPath('drifting.jsonl');
  await writeFile(drifting, toJsonLines([...ledger.filter((r) => r.order !== 'RCN-0002').map((r) => (r.order === 'RCN-0001' ? { ...r, status: 'CLOSED' } : r)), { order: 'RCN-0001', line: 'x' }]));
}, 60_000);

describe('order-ledger reconcile, run as a process', () => {
  it('streams a file to the service and exits 0 when it matches the ledger, printing no progress when stderr is not a terminal', async () => {
    const ran = await runCli(['reconcile', '--system', 'CRM', '--url', url, '--key', t.systemKeys.CRM, inStep]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toMatch(/^reconciliation \d+ of CRM: 12 rows read, 0 malformed; 6 orders in the file, 6 in the ledger\nin step: no drift\nreport: http:\/\/127\.0\.0\.1:\d+\/v1\/reconciliations\/\d+\n$/);
    expect(ran.code).toBe(0);
  }, 120_000);

  it('exits 1 and lists the drift and the malformed rows by line when the file differs (JSON lines, key from LEDGER_API_KEY)', async () => {
    const ran = await runCli(['reconcile', '--system', 'CRM', '--url', url, drifting], { LEDGER_API_KEY: t.systemKeys.CRM });
    expect(ran.stdout).toContain('drift on 2 orders: missing_downstream 1, status_mismatch 1');
    expect(ran.stdout).toContain('  line 11 line: must be a number, not "x"');
    expect(ran.code).toBe(1);
    const { rows } = await t.db.pool.query(`SELECT format, system, malformed_rows FROM reporting.reconciliations ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toEqual({ format: 'jsonl', system: 'CRM', malformed_rows: 1 });
  }, 120_000);

  it('exits 2 with one clean line when it cannot compare: no key, no file, a key without the scope, no service', async () => {
    const [noKey, noFile, reader, down] = await Promise.all([
      runCli(['reconcile', '--system', 'CRM', '--url', url, inStep], { LEDGER_API_KEY: '' }),
      runCli(['reconcile', '--system', 'CRM', '--url', url, '--key', t.systemKeys.CRM, '/nonexistent/snapshot.csv']),
      runCli(['reconcile', '--system', 'CRM', '--url', url, '--key', t.readKey, inStep]),
      runCli(['reconcile', '--system', 'CRM', '--url', 'http://127.0.0.1:9', '--key', t.systemKeys.CRM, inStep]),
    ]);
    expect([noKey.code, noKey.stderr]).toEqual([2, 'reconcile: give an API key with the submit scope: --key olk_… or LEDGER_API_KEY\n']);
    expect([noFile.code, noFile.stderr]).toEqual([2, 'reconcile: cannot read /nonexistent/snapshot.csv: no such file\n']);
    expect(reader.code).toBe(2);
    expect(reader.stderr).toMatch(/^reconcile: the service answered 403 SCOPE_MISSING: This route needs the "submit" scope/);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^reconcile: cannot reach http:\/\/127\.0\.0\.1:9: .+\n$/);
  }, 120_000);
});
