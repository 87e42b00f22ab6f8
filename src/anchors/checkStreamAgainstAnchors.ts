import type { RecordedEvent } from '../eventstore/EventStore.js';
import type { AnchoredHead } from './checkAnchorChain.js';

export type AnchorBreakReason =
  | 'HASH_DIFFERS' // the log's event at an anchored revision has another hash: it, or one before it, was rewritten
  | 'EVENT_MISSING' // an anchored event is no longer in the log
  | 'NOT_ANCHORED'; // an event sits at a position an anchor covers, but that anchor does not count it

/** The first place where one stream of the log and the anchors disagree. */
export interface AnchorBreak {
  readonly streamId: string;
  readonly reason: AnchorBreakReason;
  readonly revision: bigint;
  readonly eventId: string | null;
  readonly anchorSeq: number;
  readonly anchoredHash: string | null;
  readonly logHash: string | null;
  /** The newest anchored head that still matches: the change lies after it. */
  readonly matchesUpTo: { readonly revision: bigint; readonly anchorSeq: number } | null;
}

/**
 * Holds one stream's events (revision order) against its anchored heads.
 * An anchored head's hash covers every event up to it, so the first head
 * that differs bounds the change: after the last head that matches, at or
 * before this one (the same event when anchors were taken that often).
 */
export function checkStreamAgainstAnchors(streamId: string, events: readonly RecordedEvent[], anchored: readonly AnchoredHead[], positions: readonly string[]): AnchorBreak | null {
  const byRevision = new Map(events.map((e) => [e.revision, e]));
  let matchesUpTo: AnchorBreak['matchesUpTo'] = null;
  for (const head of anchored) {
    const event = byRevision.get(head.revision);
    if (!event || event.hash !== head.hash) {
      return {
        streamId, reason: event ? 'HASH_DIFFERS' : 'EVENT_MISSING', revision: head.revision, eventId: event?.id ?? null,
        anchorSeq: head.anchorSeq, anchoredHash: head.hash, logHash: event?.hash ?? null, matchesUpTo,
      };
    }
    matchesUpTo = { revision: head.revision, anchorSeq: head.anchorSeq };
  }
  const lastPosition = positions[positions.length - 1];
  if (lastPosition === undefined) return null;
  for (const event of events) {
    if (event.position > lastPosition) break;
    const seq = firstAnchorCovering(positions, event.position);
    const head = [...anchored].reverse().find((h) => h.anchorSeq <= seq);
    if (!head || head.revision < event.revision) {
      return { streamId, reason: 'NOT_ANCHORED', revision: event.revision, eventId: event.id, anchorSeq: seq, anchoredHash: null, logHash: event.hash, matchesUpTo };
    }
  }
  return null;
}

/** The seq of the first anchor whose position is at or after `position` (positions ascend). */
function firstAnchorCovering(positions: readonly string[], position: string): number {
  let lo = 0;
  let hi = positions.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! >= position) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}
