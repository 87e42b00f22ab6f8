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
