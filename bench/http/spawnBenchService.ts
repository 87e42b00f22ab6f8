import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface BenchService {
  readonly url: string;
  readonly pid: number;
  /** Every process of the service (its own pid, or a cluster's primary and workers). */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

const serviceEntry = fileURLToPath(new URL('./benchService.ts', import.meta.url));

/**
 * Starts `benchService.ts` (or `entry`, another script that prints its
 * address the same way) under `node --import tsx` on `databaseUrl` (whose
 * keys the caller made); with `cpuProfDir`, under `--cpu-prof` too.
 */
export async function spawnBenchService(options: { databaseUrl: string; cpuProfDir?: string | undefined; env?: Record<string, string>; entry?: string }): Promise<BenchService> {
  const flags = ['--import', 'tsx', ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : []), options.entry ?? serviceEntry];
  const child = spawn(process.execPath, flags, {
    env: { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { address, pids } = await new Promise<{ address: string; pids?: number[] }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      try {
        resolve(JSON.parse(line) as { address: string; pids?: number[] });
      } catch {
        // The service prints nothing else on stdout; ignore stray lines.
      }
    });
    child.once('exit', (code) => reject(new Error(`bench service exited with ${code} before listening`)));
  });
  return {
    url: address, pid: child.pid!, pids: pids ?? [child.pid!],
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
