import { chainHash, hashedText, type HashedEvent } from './auditHash.js';

/** A stored event as the verifier needs it. */
export type ChainedEvent = HashedEvent & {
  readonly revision: bigint;
  readonly hash: string;
  readonly prevHash: string | null;
};

export type ChainBreakReason =
  | 'REVISION_GAP' // an event is missing (deleted) before this one
  | 'REVISION_OUT_OF_ORDER' // revisions go backwards or repeat (reordered or duplicated)
  | 'PREV_HASH_MISMATCH' // the link to the previous event is not its stored hash
  | 'HASH_MISMATCH' // the event's content no longer gives its stored hash
  | 'HEAD_MISMATCH'; // the chain ends before, or differently from, the known head

export type ChainVerification =
  | { readonly ok: true; readonly checked: number }
  | {
      readonly ok: false;
      readonly checked: number;
      readonly brokenAt: { readonly index: number; readonly eventId: string | null; readonly revision: bigint | null };
      readonly reason: ChainBreakReason;
    };

export interface VerifyChainOptions {
  /** Revision of the first event given (0 for a whole stream). */
  readonly fromRevision?: bigint;
  /** The hash the first event links to, when verifying from the middle of a stream. */
  readonly anchorHash?: string | null;
  /** The stream head as known elsewhere (e.g. an anchored Merkle leaf): catches a deleted tail. */
  readonly expectedHead?: { readonly revision: bigint; readonly hash: string };
}

/**
 * Recomputes a stream's hash chain and names the first broken link: a changed
 * byte breaks that event's hash, a deleted event leaves a revision gap, a
 * swapped pair runs revisions backwards (or, renumbered, breaks the links).
 */
export function verifyChain(events: readonly ChainedEvent[], options: VerifyChainOptions = {}): ChainVerification {
  let expectedRevision = options.fromRevision ?? 0n;
  // From the middle of a stream without an anchor, trust the first link.
  let expectedPrev: string | null | undefined =
    options.anchorHash !== undefined ? options.anchorHash : expectedRevision === 0n ? null : undefined;
  for (const [index, event] of events.entries()) {
    const reason = linkFault(event, expectedRevision, expectedPrev);
    if (reason) return broken(index, event, reason);
    expectedRevision = event.revision + 1n;
    expectedPrev = event.hash;
  }
  const head = options.expectedHead;
  if (head && (head.revision !== expectedRevision - 1n || head.hash !== expectedPrev)) {
    const brokenAt = { index: events.length, eventId: null, revision: expectedRevision };
    return { ok: false, checked: events.length, brokenAt, reason: 'HEAD_MISMATCH' };
  }
  return { ok: true, checked: events.length };
}

function linkFault(
  event: ChainedEvent,
  expectedRevision: bigint,
  expectedPrev: string | null | undefined,
): ChainBreakReason | null {
  if (event.revision > expectedRevision) return 'REVISION_GAP';
  if (event.revision < expectedRevision) return 'REVISION_OUT_OF_ORDER';
  if (expectedPrev !== undefined && event.prevHash !== expectedPrev) return 'PREV_HASH_MISMATCH';
  if (chainHash(event.prevHash, hashedText(event)) !== event.hash) return 'HASH_MISMATCH';
  return null;
}

function broken(index: number, event: ChainedEvent, reason: ChainBreakReason): ChainVerification {
  return { ok: false, checked: index, brokenAt: { index, eventId: event.id, revision: event.revision }, reason };
}
