import type { Position as EsdbPosition } from '@kurrent/kurrentdb-client';
import { START, type Position } from '../EventStore.js';
import { checkPositionOf } from '../positionOrigin.js';

const prefix = 'kdb:';

/** `kdb:<commit>-<prepare>`, each 16 lowercase hex digits: string order is log order, and the prefix says which store made it. */
export function encodeEsdbPosition(position: EsdbPosition): Position {
  return `${prefix}${position.commit.toString(16).padStart(16, '0')}-${position.prepare.toString(16).padStart(16, '0')}` as Position;
}

/** The server's position for `position`, undefined for START; an InvalidPosition for anything this store did not issue. */
export function decodeEsdbPosition(position: Position): EsdbPosition | undefined {
  if (checkPositionOf('kurrentdb', position) === START) return undefined;
  const body = position.slice(prefix.length);
  return { commit: BigInt(`0x${body.slice(0, 16)}`), prepare: BigInt(`0x${body.slice(17)}`) };
}
