/**
 * An outage or a lost race, not a bad request or a bad event: the statement
 * did not run, or ran in a transaction that rolled back, so trying again later
 * is safe. SQLSTATE classes 08 (connection), 40 (rollback) and 57 (operator
 * intervention: a terminated session, a shutdown); socket errors; and the
 * errors without a code that `pg` raises when its connection ends under it.
 */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^(08|40|57)/.test(code) || socketCodes.has(code);
  const message = error instanceof Error ? error.message : '';
  return lostConnectionMessages.some((m) => message.startsWith(m));
}

const socketCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const lostConnectionMessages = ['Connection terminated', 'Client has encountered a connection error', 'Client was closed and is not queryable'];
