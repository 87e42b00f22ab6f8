import type { Command } from 'commander';
import { formatSummary } from '../simulator/formatSummary.js';
import { HttpClient } from '../simulator/HttpClient.js';
import { waitForProjections } from '../simulator/reportSummary.js';
import { reportSync } from '../simulator/reportSync.js';
import { runSimulation } from '../simulator/runSimulation.js';
import { defaultUrl, FlagError, parseSimulationFlags, type RawSimulationFlags } from '../simulator/simulationFlags.js';

/** Flags shared by `simulate` and `demo`. */
export function simulationOptions(command: Command): Command {
  return command
    .option('--orders <n>', 'orders to simulate (≈16 events each)')
    .option('--days <d>', 'business days the orders arrive over', '1')
    .option('--seed <s>', 'the same seed gives the same day', '1')
    .option('--rate <r>', 'events per second (default: as fast as possible)')
    .option('--concurrency <c>', 'orders in flight at once (with --batch: batch requests in flight)', '32')
    .option('--batch <n>', 'send through POST /v1/batches, as EDI and invoice-run interfaces do: up to n orders open per sender, one request per system per round')
    .option('--start <yyyy-mm-dd>', 'first day (default: days + 7 days ago, with facts after now left out)')
    .option('--tidy', 'no duplicate retries, out-of-order facts or unknown aliases')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--drifting-crm', 'run a CRM on loopback, registered as a crm-sync integrator, that acknowledges what it takes in and drops or delays some deliveries; then print GET /v1/sync')
    .option('--crm-drop <share>', 'share of deliveries the drifting CRM answers 2xx and loses (default 0.02; implies --drifting-crm)')
    .option('--crm-delay <share>', 'share of deliveries it takes in late (default 0.1; implies --drifting-crm)')
    .option('--crm-delay-ms <ms>', 'how late, in ms (default 2000; implies --drifting-crm)');
}

export function registerSimulate(program: Command): void {
  simulationOptions(program.command('simulate'))
    .description('generate a distributor\'s day (docs/domain.md §6) and submit it through the HTTP API as each source system would')
    .option('--url <url>', 'a running service', defaultUrl)
    .option('--keys <file>', 'the key block npm start printed, pasted into a file, or JSON {"CRM": "olk_…", "ECOMMERCE": …, "EDI": …, "ERP": …, "WMS": …, "TMS": …}')
    .option('--embedded', 'start the whole service in this process, with its own PostgreSQL and keys')
    .action(async (raw: RawSimulationFlags, command: Command) => {
      const flags = parsed(raw, command);
      const run = await runSimulation(flags, (line) => console.error(line), process.stderr).catch(fail);
      try {
        console.log(flags.json ? JSON.stringify(run.summary, null, 2) : formatSummary(run.summary));
        if (run.crm && run.readKey) {
          const client = new HttpClient(new URL(run.url), 2);
          try {
            await waitForProjections(client, run.readKey, 120_000);
            // With --json, stdout stays one JSON document.
            const report = await reportSync(client, run.readKey);
            (flags.json ? console.error : console.log)(`\n${report.join('\n')}`);
          } finally {
            client.close();
          }
        }
      } finally {
        await run.finish();
      }
      if (run.summary.serverErrors > 0) process.exitCode = 1;
    });
}

function parsed(raw: RawSimulationFlags, command: Command) {
  // commander fills defaults; only a flag the user typed conflicts with --embedded.
  const typed = (name: string) => command.getOptionValueSource(name) === 'cli';
  try {
    return parseSimulationFlags({ ...raw, url: typed('url') ? raw.url : undefined });
  } catch (error) {
    if (error instanceof FlagError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

function fail(error: unknown): never {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
