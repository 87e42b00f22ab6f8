import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** CPU seconds the PostgreSQL server has used so far, or undefined when it is not ours to look at. */
export type ServerCpu = () => Promise<number | undefined>;

/**
 * The CPU of a local PostgreSQL whose data folder we know (the embedded
 * server): its postmaster's own and reaped children's time plus that of its
 * live children (the backends), from /proc. A DATABASE_URL server: undefined.
 */
export function serverCpuOf(dataDir: string | undefined): ServerCpu {
  if (!dataDir || process.platform !== 'linux') return async () => undefined;
  let postmaster: Promise<number> | undefined;
  return async () => {
    postmaster ??= readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').then((text) => Number(text.split('\n')[0]));
    return cpuOfTree(await postmaster);
  };
}

const ticks = 100; // USER_HZ on Linux

/** utime + stime of `pid` (with its reaped children's cutime + cstime) and of its live direct children. */
export async function cpuOfTree(pid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid) total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
    else if (Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return total;
}

/** What a piece of work cost: wall time, CPU on each side, and this process's memory high-water while it ran. */
export interface Usage {
  readonly seconds: number;
  readonly clientCpuSeconds: number;
  readonly serverCpuSeconds: number | undefined;
  readonly peakRssBytes: number;
  readonly peakHeapBytes: number;
  /** 1-min load average when the work ended. */
  readonly loadAverage: number;
}

/** Runs `work`, sampling this process's RSS and V8 heap every 50 ms for their highest values. */
export const gcExposed = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function';

export async function withUsage<T>(serverCpu: ServerCpu, loadAverage: () => number, work: () => Promise<T>): Promise<{ result: T; usage: Usage }> {
  const memory = { rss: 0, heap: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    memory.rss = Math.max(memory.rss, now.rss);
    memory.heap = Math.max(memory.heap, now.heapUsed);
  };
  // With --expose-gc (NODE_OPTIONS), start from a collected heap so earlier work's garbage is not counted.
  (globalThis as { gc?: () => void }).gc?.();
  sample();
  const sampler = setInterval(sample, 50);
  const serverBefore = await serverCpu();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const serverAfter = await serverCpu();
    sample();
    return {
      result,
      usage: {
        seconds,
        clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
        serverCpuSeconds: serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore,
        peakRssBytes: memory.rss,
        peakHeapBytes: memory.heap,
        loadAverage: loadAverage(),
      },
    };
  } finally {
    clearInterval(sampler);
  }
}
