import { readFile } from 'node:fs/promises';

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux; USER_HZ = 100). */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `work` and adds how much CPU `pid` spent meanwhile. */
export async function withCpuOf<T>(pid: number, work: () => Promise<T>): Promise<T & { cpuSeconds: number }> {
  const before = await cpuSeconds(pid);
  const result = await work();
  return { ...result, cpuSeconds: (await cpuSeconds(pid)) - before };
}
