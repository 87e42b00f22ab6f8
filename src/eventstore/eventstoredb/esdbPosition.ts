import type { Position as EsdbPosition } from '@eventstore/db-client';
import { START, type Position } from '../EventStore.js';

/** `<commit>-<prepare>`, each 16 lowercase hex digits, so string order is log order. */
export function encodeEsdbPosition(position: EsdbPosition): Position {
  return `${position.commit.toString(16).padStart(16, '0')}-${position.prepare.toString(16).padStart(16, '0')}` as Position;
}

export function decodeEsdbPosition(position: Position): EsdbPosition | undefined {
  if (position === START) return undefined;
  if (!/^[0-9a-f]{16}-[0-9a-f]{16}$/.test(position)) throw new RangeError(`not an EventStoreDB position: ${JSON.stringify(position)}`);
  return { commit: BigInt(`0x${position.slice(0, 16)}`), prepare: BigInt(`0x${position.slice(17)}`) };
}
