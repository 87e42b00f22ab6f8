import fc from 'fast-check';
import { Map as PersistentMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/auditHash.js';

/** The same members in another order, at every depth. */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reordered(v, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const turned = entries.length === 0 ? entries : [...entries.slice(seed % entries.length), ...entries.slice(0, seed % entries.length)].reverse();
  return Object.fromEntries(turned.map(([k, v], i) => [k, reordered(v, seed + i)]));
}

describe('canonicalJson', () => {
  it('writes any JSON value as JSON that reads back to it, the same text whatever the order of its members', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
      const text = canonicalJson(value);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      expect(canonicalJson(reordered(value, seed))).toBe(text);
    }));
  });

  it('writes a persistent map as its members, not its internals: maps with equal members give one text however they were built', () => {
    const member = fc.record({ eventId: fc.uuid(), digest: fc.stringMatching(/^[0-9a-f]{8}$/) });
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), member, { maxKeys: 80 }), fc.nat(), fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }), (members, seed, strays) => {
      const entries = Object.entries(members);
      const forwards = PersistentMap(entries);
      // Built the other way round, one write at a time, with members added and taken out again.
      let backwards = PersistentMap<string, { eventId: string; digest: string }>().asMutable();
      for (const stray of strays) if (!Object.hasOwn(members, stray)) backwards.set(stray, { eventId: 'stray', digest: String(seed) });
      for (const [key, value] of [...entries].reverse()) backwards.set(key, value);
      for (const stray of strays) if (!Object.hasOwn(members, stray)) backwards.delete(stray);
      backwards = backwards.asImmutable();
      expect(canonicalJson({ processed: backwards })).toBe(canonicalJson({ processed: forwards }));
      expect(canonicalJson(forwards)).toBe(canonicalJson(members));
    }));
  });

  it('tells maps with different members apart, and writes a date as its ISO text', () => {
    const a = PersistentMap<string, { eventId: string }>({ k1: { eventId: 'e1' } });
    expect(canonicalJson(a)).not.toBe(canonicalJson(a.set('k2', { eventId: 'e2' })));
    expect(canonicalJson(a)).not.toBe(canonicalJson(a.set('k1', { eventId: 'e9' })));
    expect(canonicalJson({ at: new Date('2026-11-02T10:00:00Z') })).toBe('{"at":"2026-11-02T10:00:00.000Z"}');
  });
});
