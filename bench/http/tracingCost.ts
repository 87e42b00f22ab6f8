/**
 * What tracing costs the service: `npx tsx bench/http/tracingCost.ts [--seconds 10] [--rounds 3] [--connections 16]`.
 *
 * One database, two services side by side (benchService.ts, projections off as in
 * runHttpBench.ts): one without OTEL_EXPORTER_OTLP_ENDPOINT, one exporting every span
 * (the default sampler, http/protobuf) to a loopback OTLP receiver that takes and
 * drops them. The same closed loop of single POSTs goes to each in turn, `rounds`
 * times, and each service's CPU (user + system, /proc) is divided by the transitions
 * it answered, less what it spends idle over as long (measured just before). Prints the medians, the difference of each round's pair and their
 * median, and the load average.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startBenchServer } from '../harness/server.js';
import { loadAverage } from '../harness/machine.js';
import { benchKeys } from './benchKeys.js';
import { ingestRun } from './ingestRun.js';
import { cpuSeconds, withCpuOf } from './processCpu.js';
import { spawnBenchService } from './spawnBenchService.js';
import { TransitionFeed } from './TransitionFeed.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '16' } } });
const [seconds, rounds, connections] = [Number(values.seconds), Number(values.rounds), Number(values.connections)];
const log = (message: string) => process.stderr.write(`${message}\n`);

let exports = 0;
let exportedBytes = 0;
const receiver = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
  request.on('end', () => {
    exports++;
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const server = await startBenchServer(log);
try {
  const database = await server.createDatabase('tracing', { migrated: true });
  const { keys } = await benchKeys(database.url);
  const env = { LEDGER_PROJECTIONS: 'off', LEDGER_APPEND_LATENCY_TARGET_MS: '100000', LEDGER_MAX_IN_FLIGHT_APPENDS: '1024', LEDGER_ANCHOR_INTERVAL_SECONDS: '0' };
  const services = {
    off: await spawnBenchService({ databaseUrl: database.url, env }),
    on: await spawnBenchService({ databaseUrl: database.url, env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } }),
  };
  let seed = 7;
  const feed = (rate: number) => new TransitionFeed(++seed, Math.ceil((rate * seconds) / 14) + connections * 16, keys, connections * 16);
  const cpu: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const rates: Record<'off' | 'on', number[]> = { off: [], on: [] };
  try {
    // Warm-up: the first seconds of a process are mostly JIT compilation.
    for (const mode of ['off', 'on'] as const) await ingestRun(services[mode].url, feed(4000), connections, seconds);
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        // What the idle service spends meanwhile (timers, polls) is not the transitions' cost: at tens of
        // transitions a second on a loaded machine it would be much of it.
        const idle = await idleCpuPerSecond(services[mode].pid);
        const run = await withCpuOf(services[mode].pid, () => ingestRun(services[mode].url, feed(4000), connections, seconds));
        const micros = ((run.cpuSeconds - idle * seconds) * 1e6) / run.transitions;
        cpu[mode].push(micros);
        rates[mode].push(run.transitionsPerSecond);
        log(`round ${round + 1}, tracing ${mode}: idle ${Math.round(idle * 1000)} ms CPU/s, ${Math.round(run.transitionsPerSecond)}/s, p50 ${run.p50} ms, p99 ${run.p99} ms, ${micros.toFixed(0)} µs CPU per transition, statuses ${JSON.stringify(run.statuses)}, load average ${loadAverage()}`);
      }
    }
  } finally {
    await services.off.stop();
    await services.on.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const [off, on] = [median(cpu.off), median(cpu.on)];
  // The two runs of a round are next to each other in time: their difference is the least disturbed by the machine's other work.
  const added = cpu.on.map((micros, round) => micros - cpu.off[round]!);
  console.log(JSON.stringify({
    connections, seconds, rounds,
    cpuMicrosPerTransition: { off: Math.round(off), on: Math.round(on), addedByRound: added.map(Math.round), addedMedian: Math.round(median(added)), addedPercent: Math.round((median(added) / off) * 100) },
    transitionsPerSecond: { off: Math.round(median(rates.off)), on: Math.round(median(rates.on)) },
    exports, exportedBytes, loadAverage: loadAverage(),
  }, null, 2));
  await database.drop();
} finally {
  await server.stop();
  receiver.close();
}

async function idleCpuPerSecond(pid: number): Promise<number> {
  const before = await cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return ((await cpuSeconds(pid)) - before) / 3;
}
