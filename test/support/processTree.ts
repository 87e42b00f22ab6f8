import { execFileSync } from 'node:child_process';

export interface ProcessRow { pid: number; ppid: number; args: string }

/** Every process of the machine, as `ps` lists it. */
export function processes(): ProcessRow[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((line) => {
    const [, pid, ppid, args] = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!;
    return { pid: Number(pid), ppid: Number(ppid), args: args! };
  });
}

/** `pid` and every process below it. */
export function treeOf(pid: number): number[] {
  const all = processes();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i]).map((p) => p.pid));
  return tree;
}
