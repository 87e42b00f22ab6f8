import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import type { Command } from 'commander';
import { progressBar } from '../progressBar.js';
import { defaultUrl } from '../simulator/simulationFlags.js';
import { CliError } from './CliError.js';

interface ReconcileOptions { system: string; url: string; key?: string; format?: string }

interface Summary {
  id: string; system: string; rowsRead: number; malformedRows: number; snapshotOrders: number; ledgerOrders: number; driftedOrders: number;
  drift: Record<string, number>; malformed: { line: number; field: string; reason: string }[];
}

const mediaOf = { csv: 'text/csv', jsonl: 'application/x-ndjson' } as const;

/**
 * `order-ledger reconcile --system CRM FILE`: streams a system's snapshot
 * of the orders to the running service (`POST /v1/reconciliations`), with
 * the one progress bar on stderr, and prints the report's summary. Exits 0
 * when the file matches the ledger, 1 when anything differs or a row is
 * malformed, 2 when it could not be compared at all.
 */
export function registerReconcile(program: Command): void {
  program.command('reconcile <file>')
    .description('compare a system\'s snapshot of the orders (CSV, or JSON lines: .jsonl/.ndjson) with the ledger through the running service; exits 1 on any drift')
    .requiredOption('--system <name>', 'whose view the file is (the integrator of that name re-sends drifted orders)')
    .option('--url <url>', 'the running service', defaultUrl)
    .option('--key <key>', 'an API key with the submit scope (default: $LEDGER_API_KEY)')
    .option('--format <format>', 'csv or jsonl (default: from the file name; csv otherwise)')
    .action(async (file: string, options: ReconcileOptions) => {
      const summary = await send(file, options);
      for (const line of formatSummary(summary, options.url)) console.log(line);
      if (summary.driftedOrders > 0 || summary.malformedRows > 0) process.exitCode = 1;
    });
}

async function send(file: string, options: ReconcileOptions): Promise<Summary> {
  const key = options.key ?? process.env.LEDGER_API_KEY;
  if (!key) throw new CliError('reconcile: give an API key with the submit scope: --key olk_… or LEDGER_API_KEY');
  const format = options.format ?? (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv');
  if (format !== 'csv' && format !== 'jsonl') throw new CliError(`reconcile: --format must be csv or jsonl, not "${format}"`);
  let url: URL;
  try {
    url = new URL(`/v1/reconciliations?system=${encodeURIComponent(options.system)}`, options.url);
  } catch {
    throw new CliError(`reconcile: --url: "${options.url}" is not a URL (e.g. ${defaultUrl})`);
  }
  const size = await stat(file).then((s) => s.size, (error: NodeJS.ErrnoException) => {
    throw new CliError(`reconcile: cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const bar = progressBar(process.stderr, `reconcile ${options.system}`, 'bytes');
  let sent = 0;
  const counted = createReadStream(file).pipe(new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      bar.update(sent, size);
      done(null, chunk);
    },
  }));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': mediaOf[format] },
      body: Readable.toWeb(counted) as ReadableStream, duplex: 'half',
    } as RequestInit);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new CliError(`reconcile: cannot reach ${url.origin}: ${cause}`);
  } finally {
    bar.stop();
  }
  const text = await response.text();
  if (response.status !== 201) {
    const problem = parsed(text) as { code?: string; detail?: string; title?: string } | undefined;
    throw new CliError(`reconcile: the service answered ${response.status}${problem?.code ? ` ${problem.code}` : ''}: ${problem?.detail ?? problem?.title ?? text.slice(0, 200)}`);
  }
  return JSON.parse(text) as Summary;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function formatSummary(s: Summary, base: string): string[] {
  const n = (value: number) => value.toLocaleString('en-US');
  const kinds = Object.entries(s.drift).filter(([, count]) => count > 0).map(([kind, count]) => `${kind} ${n(count)}`);
  const lines = [
    `reconciliation ${s.id} of ${s.system}: ${n(s.rowsRead)} rows read, ${n(s.malformedRows)} malformed; ${n(s.snapshotOrders)} orders in the file, ${n(s.ledgerOrders)} in the ledger`,
    s.driftedOrders === 0 ? 'in step: no drift' : `drift on ${n(s.driftedOrders)} orders: ${kinds.join(', ')}`,
    ...s.malformed.map((m) => `  line ${m.line} ${m.field}: ${m.reason}`),
  ];
  if (s.malformedRows > s.malformed.length) lines.push(`  … and ${n(s.malformedRows - s.malformed.length)} more malformed rows`);
  lines.push(`report: ${new URL(`/v1/reconciliations/${s.id}`, base).toString()}`);
  return lines;
}
