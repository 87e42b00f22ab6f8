import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainHash, hashedText, verifyChain, type ChainedEvent } from '../../src/domain/index.js';

function chain(notes: readonly string[]): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prevHash: string | null = null;
  notes.forEach((note, i) => {
    const body = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      streamId: 'order-O-1',
      type: 'ShipmentConfirmed',
      data: { note, qty: i },
      metadata: { correlationId: `c-${note}` },
      recordedAt: `2025-03-03T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
    };
    const hash = chainHash(prevHash, hashedText(body));
    events.push({ ...body, revision: BigInt(i), hash, prevHash });
    prevHash = hash;
  });
  return events;
}

const head = (events: readonly ChainedEvent[]) => ({ revision: events.at(-1)!.revision, hash: events.at(-1)!.hash });
const notesArb = fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 8 });
const fields = ['id', 'streamId', 'type', 'recordedAt', 'note', 'correlationId', 'hash', 'prevHash'] as const;

function changeOneChar(text: string, at: number): string {
  const i = at % text.length;
  const changed = String.fromCharCode(((text.charCodeAt(i) - 31) % 95) + 32);
  return text.slice(0, i) + changed + text.slice(i + 1);
}

function tamper(event: ChainedEvent, field: (typeof fields)[number], at: number): ChainedEvent {
  const data = event.data as { note: string; qty: number };
  switch (field) {
    case 'note': return { ...event, data: { ...data, note: changeOneChar(data.note, at) } };
    case 'correlationId': return { ...event, metadata: { correlationId: changeOneChar(String(event.metadata.correlationId), at) } };
    case 'prevHash': return { ...event, prevHash: changeOneChar(event.prevHash ?? 'x', at) };
    default: return { ...event, [field]: changeOneChar(event[field], at) };
  }
}

describe('verifyChain', () => {
  it('accepts an intact chain and counts its events', () => {
    const events = chain(['a', 'b', 'c']);
    expect(verifyChain(events, { expectedHead: head(events) })).toEqual({ ok: true, checked: 3 });
  });

  it('names the event whose content changed', () => {
    const events = chain(['a', 'b', 'c']);
    events[1] = tamper(events[1]!, 'note', 0);
    expect(verifyChain(events)).toMatchObject({ ok: false, reason: 'HASH_MISMATCH', brokenAt: { index: 1, revision: 1n, eventId: events[1]!.id } });
  });

  it('names the gap a deleted event leaves', () => {
    const events = chain(['a', 'b', 'c']);
    expect(verifyChain([events[0]!, events[2]!])).toMatchObject({ ok: false, reason: 'REVISION_GAP', brokenAt: { index: 1, revision: 2n } });
  });

  it('catches a deleted tail only against a known head', () => {
    const events = chain(['a', 'b', 'c']);
    expect(verifyChain(events.slice(0, 2)).ok).toBe(true);
    expect(verifyChain(events.slice(0, 2), { expectedHead: head(events) })).toMatchObject({ ok: false, reason: 'HEAD_MISMATCH', brokenAt: { index: 2, eventId: null } });
  });

  it('catches a swapped pair even when the revisions are renumbered', () => {
    const events = chain(['a', 'b', 'c']);
    const swapped = [events[0]!, { ...events[2]!, revision: 1n }, { ...events[1]!, revision: 2n }];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, reason: 'PREV_HASH_MISMATCH', brokenAt: { index: 1 } });
  });

  it('verifies from the middle of a stream against an anchor', () => {
    const events = chain(['a', 'b', 'c']);
    expect(verifyChain(events.slice(1), { fromRevision: 1n, anchorHash: events[0]!.hash }).ok).toBe(true);
  });

  it('catches any changed byte in any event', () => {
    fc.assert(fc.property(notesArb, fc.nat(), fc.constantFrom(...fields), fc.nat(), (notes, pick, field, at) => {
      const events = chain(notes);
      const index = pick % events.length;
      events[index] = tamper(events[index]!, field, at);
      const result = verifyChain(events, { expectedHead: head(chain(notes)) });
      return !result.ok && result.brokenAt.index === index;
    }), { numRuns: 1000 });
  });

  it('catches any deleted event', () => {
    fc.assert(fc.property(notesArb, fc.nat(), (notes, pick) => {
      const events = chain(notes);
      const index = pick % events.length;
      const result = verifyChain(events.filter((_, i) => i !== index), { expectedHead: head(events) });
      return !result.ok && result.brokenAt.index === Math.min(index, events.length - 1);
    }), { numRuns: 1000 });
  });

  it('catches any swapped pair, renumbered or not', () => {
    fc.assert(fc.property(notesArb, fc.nat(), fc.boolean(), (notes, pick, renumber) => {
      const events = chain(notes);
      const i = pick % (events.length - 1);
      const [a, b] = [events[i]!, events[i + 1]!];
      events[i] = renumber ? { ...b, revision: a.revision } : b;
      events[i + 1] = renumber ? { ...a, revision: b.revision } : a;
      const result = verifyChain(events, { expectedHead: head(chain(notes)) });
      return !result.ok && result.brokenAt.index === i;
    }), { numRuns: 1000 });
  });
});
