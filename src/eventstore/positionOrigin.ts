import { START, type Position } from './EventStore.js';

/** The stores that issue positions. Each encodes its own so that one is never read as the other. */
export type PositionOrigin = 'postgres' | 'kurrentdb';

const postgresPattern = /^[0-9a-f]{16}-[0-9a-f]{16}$/;
/** `kdb:` + commit and prepare as 16 hex digits each: the prefix names the store, the fixed width keeps string order = log order. */
const kurrentPattern = /^kdb:[0-9a-f]{16}-[0-9a-f]{16}$/;

const storeNames: Record<PositionOrigin, string> = { postgres: 'PostgreSQL', kurrentdb: 'KurrentDB/EventStoreDB' };

/**
 * Which store issued `position`, by its shape. PostgreSQL positions keep
 * the bare `<16 hex>-<16 hex>` form they always had, so checkpoints stored
 * before KurrentDB positions were prefixed stay valid.
 */
export function positionOrigin(position: string): PositionOrigin | 'start' | 'unknown' {
  if (position === START) return 'start';
  if (postgresPattern.test(position)) return 'postgres';
  if (kurrentPattern.test(position)) return 'kurrentdb';
  return 'unknown';
}

/** A position this store did not issue: another store's, or no position at all. A RangeError, so routes answer 400. */
export class InvalidPosition extends RangeError {
  readonly code = 'INVALID_POSITION';
  constructor(readonly position: string, readonly expected: PositionOrigin, readonly origin: PositionOrigin | 'unknown') {
    super(
      origin === 'unknown'
        ? `not a ${storeNames[expected]} event-log position: ${JSON.stringify(position)}`
        : `${JSON.stringify(position)} is a ${storeNames[origin]} position, but this ledger's log is in ${storeNames[expected]}; ` +
          'a checkpoint taken on another store cannot be carried over (reset it to start or end)',
    );
    this.name = 'InvalidPosition';
  }
}

/** `position` as a position of `store`, or an InvalidPosition naming where it came from. */
export function checkPositionOf(store: PositionOrigin, position: string): Position {
  const origin = positionOrigin(position);
  if (origin === 'start' || origin === store) return position as Position;
  throw new InvalidPosition(position, store, origin);
}
