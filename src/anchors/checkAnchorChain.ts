import type { KeyObject } from 'node:crypto';
import { digestOf, headsOf, signatureValid, type AnchorRecord } from './anchorRecord.js';
import { merkleRoot, type StreamHead } from './merkleRoot.js';

/** A stream head as some anchor recorded it. */
export interface AnchoredHead {
  readonly revision: bigint;
  readonly hash: string;
  readonly anchorSeq: number;
}

/** What a folder of anchors proves, once its own chain holds. */
export interface AnchoredLog {
  /** Each stream's anchored heads, oldest first (revisions ascending). */
  readonly streams: ReadonlyMap<string, readonly AnchoredHead[]>;
  /** positions[i] is the position of anchor i + 1. */
  readonly positions: readonly string[];
  readonly last: AnchorRecord | undefined;
}

export type AnchorChainCheck =
  | { readonly ok: true; readonly log: AnchoredLog }
  | { readonly ok: false; readonly seq: number; readonly reason: string };

/**
 * Checks the anchors among themselves, before any of them is held against
 * the database: numbered 1, 2, 3… without a gap, each naming the digest of
 * the one before, positions moving forward, each signed by one of `keys`,
 * and each root and count recomputed from the heads the anchors list.
 */
export function checkAnchorChain(records: readonly AnchorRecord[], keys: ReadonlyMap<string, KeyObject>): AnchorChainCheck {
  const streams = new Map<string, AnchoredHead[]>();
  const current = new Map<string, StreamHead>();
  const positions: string[] = [];
  let previous: AnchorRecord | undefined;
  for (const record of records) {
    const fail = (reason: string): AnchorChainCheck => ({ ok: false, seq: record.seq, reason });
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) return fail(`anchor ${expectedSeq} is missing`);
    const key = keys.get(record.keyId);
    if (!key) return fail(`signed with key ${record.keyId}, which is not one of the trusted keys`);
    if (!signatureValid(record, key)) return fail('its signature does not verify: the file was altered');
    if (record.previous !== (previous ? digestOf(previous) : null)) return fail(`it does not follow anchor ${previous?.seq ?? '(none)'}: an earlier anchor was altered or replaced`);
    if (previous && record.position <= previous.position) return fail('its position does not move forward');
    for (const head of headsOf(record)) {
      const before = current.get(head.streamId);
      if (before && head.revision <= before.revision) return fail(`stream ${head.streamId} moves back from revision ${before.revision} to ${head.revision}`);
      current.set(head.streamId, head);
      let list = streams.get(head.streamId);
      if (!list) streams.set(head.streamId, (list = []));
      list.push({ revision: head.revision, hash: head.hash, anchorSeq: record.seq });
    }
    let events = 0n;
    for (const head of current.values()) events += head.revision + 1n;
    if (record.streams !== current.size || record.events !== events.toString()) return fail(`its counts (${record.streams} streams, ${record.events} events) are not those of the heads listed so far`);
    if (merkleRoot(current.values()) !== record.root) return fail('its Merkle root is not that of the heads listed so far');
    positions.push(record.position);
    previous = record;
  }
  return { ok: true, log: { streams, positions, last: previous } };
}
