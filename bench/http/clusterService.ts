/**
 * The service as several processes on one port (node:cluster), for
 * `BENCH_HTTP_INSTANCES` > 1: the primary forks that many workers, each
 * `benchService.ts` with the caller's environment, and prints one JSON line
 * `{"address": …, "pids": [primary, …workers]}` once every worker listens.
 * The workers share the listening socket (PORT=0 gives all of them the same
 * port); the primary hands out connections and does nothing else. SIGTERM
 * stops every worker, then the primary.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';

const instances = Number(process.env.BENCH_HTTP_INSTANCES ?? '2');
if (!Number.isInteger(instances) || instances < 1) throw new RangeError('BENCH_HTTP_INSTANCES must be a positive integer');

cluster.setupPrimary({ exec: fileURLToPath(new URL('./benchService.ts', import.meta.url)), execArgv: process.execArgv });
const workers: Worker[] = [];
const addresses = await Promise.all(Array.from({ length: instances }, () => new Promise<string>((resolve, reject) => {
  const worker = cluster.fork();
  workers.push(worker);
  worker.once('message', (message: { address?: string }) => (message.address ? resolve(message.address) : reject(new Error('a worker sent no address'))));
  worker.once('exit', (code) => reject(new Error(`a bench service worker exited with ${code} before listening`)));
})));
if (new Set(addresses).size !== 1) throw new Error(`the workers listen on different addresses: ${addresses.join(', ')}`);
process.stdout.write(JSON.stringify({ address: addresses[0], pids: [process.pid, ...workers.map((w) => w.process.pid!)] }) + '\n');
process.once('SIGTERM', () => {
  const exits = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
  for (const worker of workers) worker.process.kill('SIGTERM');
  void Promise.all(exits).then(() => process.exit(0));
});
