import { foldTerms, newLine } from './lineRecords.js';
import type { DocumentContribution, LineState, OrderState, Processed, ProcessedMemo, Stamp, TermPatch } from './orderState.js';
import { compareStamps } from './stamp.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type MapName = 'lines' | 'documents' | 'holds' | 'exceptions' | 'carrier';
type Entry<K extends MapName> = OrderState[K][string];

/** A line this draft made, which it changes in place. */
export type LineDraft = Writable<LineState>;

/**
 * One fold's working copy of an order. The state it starts from is never
 * changed: the state object and each map are copied on their first write in
 * the fold and written in place after that, and so is each line, so that
 * folding an event costs what the event touches rather than the order's size,
 * and a run of events copies each map once. A line's terms are folded once,
 * when the fold ends (no step reads them meanwhile). The idempotency memo is
 * persistent instead: the fold writes a mutable view of it that shares every
 * node it does not change with the base's memo, and seals it at the end. After
 * `finish` the result is shared with later states and nothing in it is written again.
 */
export class OrderDraft {
  /** The state so far, to read; writes go through the methods below. */
  readonly state: Writable<OrderState>;
  /** Lines this fold wrote (terms, reports or derived values). */
  readonly touchedLines = new Set<string>();
  /** Every version, before and after, of each document this fold added or replaced. */
  readonly changedDocuments: DocumentContribution[] = [];
  private written = false;
  private readonly copiedMaps = new Set<MapName>();
  private readonly ownLines = new Set<string>();
  private readonly ownPatches = new Set<string>();
  private readonly staleTerms = new Set<string>();
  private memo: ProcessedMemo | null = null;

  constructor(readonly base: OrderState) {
    this.state = { ...base };
  }

  /** Sets top-level members (header, decision, milestones…), each a value of its own. */
  set(members: Partial<OrderState>): void {
    Object.assign(this.state, members);
    this.written = true;
  }

  /** The draft's own copy of a map, to write entries into (each entry a new value). */
  map<K extends MapName>(name: K): Record<string, Entry<K>> {
    this.written = true;
    if (!this.copiedMaps.has(name)) {
      this.copiedMaps.add(name);
      const current = this.state[name] as Readonly<Record<string, Entry<K>>>;
      this.state[name] = (name === 'lines' ? { ...current } : copyOf(current)) as OrderState[K];
    }
    return this.state[name] as Record<string, Entry<K>>;
  }

  /** Notes what an idempotency key produced (I4), in the draft's mutable view of the memo. */
  remember(idempotencyKey: string, entry: Processed): void {
    this.written = true;
    this.memo ??= this.state.processed.asMutable();
    this.memo.set(idempotencyKey, entry);
  }

  /** The line, as this draft's own copy (made on the line's first write in the fold; a new line if the order has none). */
  line(lineNo: number): LineDraft {
    const key = String(lineNo);
    const lines = this.map('lines');
    this.touchedLines.add(key);
    if (this.ownLines.has(key)) return lines[key] as LineDraft;
    const current = lines[key];
    const line: LineDraft = current ? { ...current } : newLine(lineNo);
    if (!current) this.ownPatches.add(key);
    this.ownLines.add(key);
    lines[key] = line;
    return line;
  }

  /** Records an order event's terms for a line. */
  patchLine(lineNo: number, eventId: string, patch: TermPatch, known: boolean): void {
    const line = this.line(lineNo);
    const key = String(lineNo);
    if (!this.ownPatches.has(key)) {
      this.ownPatches.add(key);
      line.termPatches = { ...line.termPatches };
    }
    (line.termPatches as Record<string, TermPatch>)[eventId] = patch;
    line.known ||= known;
    this.staleTerms.add(key);
  }

  /** Notes a line a fact reports; the earliest report names its sku and uom until the order does. */
  reportLine(reported: { lineNo: number; sku: string; uom: string }, stamp: Stamp): void {
    const current = this.state.lines[String(reported.lineNo)];
    if (current?.reportedAs && compareStamps(current.reportedAs.stamp, stamp) <= 0) return;
    this.line(reported.lineNo).reportedAs = { sku: reported.sku, uom: reported.uom, stamp };
    this.staleTerms.add(String(reported.lineNo));
  }

  /** Puts a document's contribution in place of the one under its key. */
  setDocument(key: string, contribution: DocumentContribution): void {
    const documents = this.map('documents');
    const previous = documents[key];
    if (previous) this.changedDocuments.push(previous);
    this.changedDocuments.push(contribution);
    documents[key] = contribution;
  }

  /** Folds the terms of the lines whose patches or reports changed. */
  foldStaleTerms(): void {
    for (const key of this.staleTerms) Object.assign(this.state.lines[key] as LineDraft, foldTerms(this.state.lines[key]!));
    this.staleTerms.clear();
  }

  /** The folded state; the base itself when nothing was written. */
  finish(): OrderState {
    this.foldStaleTerms();
    if (this.memo) this.state.processed = this.memo.asImmutable();
    this.memo = null;
    return this.written ? this.state : this.base;
  }
}

/**
 * A copy of a map to add entries to. Lines are keyed by number (V8 keeps those
 * as elements, which a spread copies fast); the other maps have string keys,
 * and a spread copy of those takes a new key several times slower than one
 * built member by member.
 */
function copyOf<V>(map: Readonly<Record<string, V>>): Record<string, V> {
  const copy: Record<string, V> = {};
  for (const key in map) copy[key] = map[key]!;
  return copy;
}
