import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Calls `onExit` once if the PostgreSQL server of the cluster in `dir` stops
 * running (killed, crashed, shut down by someone else). Looks every
 * `intervalMs` at the postmaster whose pid the cluster's postmaster.pid
 * named at the start, so it works whether this process started the server
 * or shares one another process started. Returns the function that stops
 * watching; call it before stopping the server on purpose.
 */
export function watchPostmaster(dir: string, onExit: (detail: string) => void, intervalMs = 500): () => void {
  const pid = postmasterPid(dir);
  if (pid === undefined) return () => undefined;
  const timer = setInterval(() => {
    if (alive(pid)) return;
    clearInterval(timer);
    onExit(`the embedded PostgreSQL server (pid ${pid}, data in ${dir}) is no longer running`);
  }, intervalMs);
  // Watching must never be what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}

function postmasterPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as a user we may not signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
