import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { verifyLog, type LogVerification } from '../eventstore/postgres/verifyLog.js';
import type { AnchorRecord } from './anchorRecord.js';
import { checkAnchorChain } from './checkAnchorChain.js';
import { checkStreamAgainstAnchors, type AnchorBreak } from './checkStreamAgainstAnchors.js';

export type AnchoredVerification =
  | { readonly ok: false; readonly anchorsValid: false; readonly seq: number; readonly reason: string }
  | {
      readonly ok: boolean;
      readonly anchorsValid: true;
      readonly anchors: number;
      readonly lastPosition: string | null;
      readonly chains: LogVerification;
      /** The first disagreement of each stream, the earliest anchor first. */
      readonly breaks: readonly AnchorBreak[];
    };

/**
 * Proves the PostgreSQL log against a folder of anchors: the anchors among
 * themselves first (signatures by `keys`, links, roots), then every stream:
 * its own chain, and every head an anchor recorded for it. Trusts nothing
 * the database says about itself, so a rewrite that recomputed every later
 * hash of its stream is still found.
 */
export async function verifyAgainstAnchors(
  pool: pg.Pool, records: readonly AnchorRecord[], keys: ReadonlyMap<string, KeyObject>, onProgress?: (events: number) => void,
): Promise<AnchoredVerification> {
  const chain = checkAnchorChain(records, keys);
  if (!chain.ok) return { ok: false, anchorsValid: false, seq: chain.seq, reason: chain.reason };
  const { streams, positions, last } = chain.log;
  const breaks: AnchorBreak[] = [];
  const seen = new Set<string>();
  const chains = await verifyLog(pool, onProgress, 5_000, (events) => {
    const streamId = events[0]!.streamId;
    seen.add(streamId);
    const found = checkStreamAgainstAnchors(streamId, events, streams.get(streamId) ?? [], positions);
    if (found) breaks.push(found);
  });
  for (const [streamId, heads] of streams) {
    if (seen.has(streamId)) continue;
    const first = heads[0]!;
    breaks.push({ streamId, reason: 'EVENT_MISSING', revision: 0n, eventId: null, anchorSeq: first.anchorSeq, anchoredHash: null, logHash: null, matchesUpTo: null });
  }
  breaks.sort((a, b) => a.anchorSeq - b.anchorSeq || (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  return { ok: breaks.length === 0 && chains.broken.length === 0, anchorsValid: true, anchors: records.length, lastPosition: last?.position ?? null, chains, breaks };
}
