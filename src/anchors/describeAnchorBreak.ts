import type { AnchorBreak } from './checkStreamAgainstAnchors.js';

/** One line an auditor can act on: which order, which event, which anchor, and where the change lies. */
export function describeAnchorBreak(b: AnchorBreak): string {
  const who = b.streamId.startsWith('order-') ? `order ${b.streamId.slice('order-'.length)} (stream ${b.streamId})` : `stream ${b.streamId}`;
  const after = b.matchesUpTo ? `the log still matches anchor ${b.matchesUpTo.anchorSeq} up to revision ${b.matchesUpTo.revision}` : 'no earlier anchor of this stream matches';
  const from = (b.matchesUpTo?.revision ?? -1n) + 1n;
  switch (b.reason) {
    case 'HASH_DIFFERS':
      return `${who}: event ${b.eventId} at revision ${b.revision} does not match anchor ${b.anchorSeq} (anchored hash ${b.anchoredHash}, the log has ${b.logHash}); ` +
        (from === b.revision ? `${after}, so this is the altered event` : `${after}, so an event of revisions ${from}–${b.revision} was altered`);
    case 'EVENT_MISSING':
      return `${who}: revision ${b.revision}, which anchor ${b.anchorSeq} recorded, is not in the log (deleted); ${after}`;
    case 'NOT_ANCHORED':
      return `${who}: event ${b.eventId} at revision ${b.revision} sits at a position anchor ${b.anchorSeq} covers, but that anchor does not count it (inserted afterwards)`;
  }
}
