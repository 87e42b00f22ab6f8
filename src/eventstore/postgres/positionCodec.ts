import { START, type Position } from '../EventStore.js';

/**
 * A PostgreSQL position is `<tx_id>-<seq>`, each as 16 lowercase hex digits
 * (SQL `ledger.format_position`), so string order is log order. START ('')
 * sorts before every position.
 */
const pattern = /^[0-9a-f]{16}-[0-9a-f]{16}$/;

/** The (tx_id, seq) after which to read, as decimal text for `$n::xid8` and `$n::bigint`. */
export function decodePosition(position: Position): [txId: string, seq: string] {
  if (position === START) return ['0', '0'];
  if (!pattern.test(position)) throw new RangeError(`not a PostgreSQL event-log position: ${JSON.stringify(position)}`);
  return [BigInt(`0x${position.slice(0, 16)}`).toString(), BigInt(`0x${position.slice(17)}`).toString()];
}

export function encodePosition(txId: bigint, seq: bigint): Position {
  return `${txId.toString(16).padStart(16, '0')}-${seq.toString(16).padStart(16, '0')}` as Position;
}
