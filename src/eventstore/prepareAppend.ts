import { canonicalJson, canonicalPayload } from '../domain/auditHash.js';
import type { EventToAppend } from './EventStore.js';

/** What an adapter stores for one append, with the text each audit hash covers. */
export interface PreparedAppend {
  /** The store's clock, truncated to milliseconds so it survives a round trip exactly. */
  readonly recordedAt: string;
  readonly ids: string[];
  readonly types: string[];
  /** Canonical JSON of each event's data and metadata (valid JSON to store). */
  readonly dataJson: string[];
  readonly metadataJson: string[];
  /** `hashedText()` of each event, built from the pieces above instead of re-serialising. */
  readonly canonical: string[];
}

/**
 * Validates an append and serialises each payload once. The canonical text
 * is exactly `hashedText({id, streamId, type, data, metadata, recordedAt})`:
 * canonical JSON sorts keys, and data < id < metadata < recordedAt <
 * streamId < type (a test checks the equality).
 */
export function prepareAppend(streamId: string, events: readonly EventToAppend[], now: Date): PreparedAppend {
  if (events.length === 0) throw new RangeError(`append to ${streamId}: at least one event is required`);
  const recordedAt = new Date(Math.floor(now.getTime())).toISOString();
  const prepared: PreparedAppend = { recordedAt, ids: [], types: [], dataJson: [], metadataJson: [], canonical: [] };
  const tail = `,"recordedAt":${JSON.stringify(recordedAt)},"streamId":${JSON.stringify(streamId)},"type":`;
  const seen = new Set<string>();
  for (const event of events) {
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new RangeError(`append to ${streamId}: event id ${id} appears twice`);
    seen.add(id);
    // undefined data would vanish from the hash but be read back as null.
    const data = canonicalPayload(event.data ?? null);
    const metadata = canonicalJson(event.metadata);
    prepared.ids.push(id);
    prepared.types.push(event.type);
    prepared.dataJson.push(data);
    prepared.metadataJson.push(metadata);
    prepared.canonical.push(`{"data":${data},"id":${JSON.stringify(id)},"metadata":${metadata}${tail}${JSON.stringify(event.type)}}`);
  }
  return prepared;
}
