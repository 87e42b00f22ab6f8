import { readFile } from 'node:fs/promises';

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux; USER_HZ = 100). */
export async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `work` and adds how much CPU the processes `pids` spent meanwhile, together. */
export async function withCpuOf<T>(pids: number | readonly number[], work: () => Promise<T>): Promise<T & { cpuSeconds: number }> {
  const all = typeof pids === 'number' ? [pids] : pids;
  const total = async () => (await Promise.all(all.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const before = await total();
  const result = await work();
  return { ...result, cpuSeconds: (await total()) - before };
}
