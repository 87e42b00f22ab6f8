import { START, type Position } from '../EventStore.js';
import { checkPositionOf } from '../positionOrigin.js';

/**
 * A PostgreSQL position is `<tx_id>-<seq>`, each as 16 lowercase hex digits
 * (SQL `ledger.format_position`), so string order is log order. START ('')
 * sorts before every position.
 */

/** The (tx_id, seq) after which to read, as decimal text for `$n::xid8` and `$n::bigint`. */
export function decodePosition(position: Position): [txId: string, seq: string] {
  if (checkPositionOf('postgres', position) === START) return ['0', '0'];
  return [BigInt(`0x${position.slice(0, 16)}`).toString(), BigInt(`0x${position.slice(17)}`).toString()];
}

export function encodePosition(txId: bigint, seq: bigint): Position {
  return `${txId.toString(16).padStart(16, '0')}-${seq.toString(16).padStart(16, '0')}` as Position;
}

/**
 * Events after `after` up to `upTo`, from their sequence numbers: every
 * event takes the next one, so the difference counts them. Appends that
 * rolled back leave gaps, and concurrent commits may interleave their
 * numbers, so it is an estimate that can run a little high.
 */
export function seqDistance(after: Position, upTo: Position): number {
  const seqOf = (position: Position) => BigInt(decodePosition(position)[1]);
  const distance = seqOf(upTo) - seqOf(after);
  return distance > 0n ? Number(distance) : 0;
}
