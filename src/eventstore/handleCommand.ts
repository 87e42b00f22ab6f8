import type { AppendResult, EventStore, EventToAppend } from './EventStore.js';
import { isWrongExpectedRevision, type WrongExpectedRevision } from './WrongExpectedRevision.js';

/** What `decide` answers: events to append (maybe none), or a refusal. */
export type Decision<Rejection> = { readonly ok: true; readonly events: readonly EventToAppend[] } | { readonly ok: false; readonly error: Rejection };

/** The stream's revision when `decide` ran: `no_stream` before its first event. */
export type LoadedRevision = bigint | 'no_stream';

export interface HandleCommandOptions<State, Rejection> {
  readonly store: EventStore;
  readonly streamId: string;
  readonly initialState: State;
  /** Folds one event into the state; stored events and just-appended ones alike. */
  readonly evolve: (state: State, event: EventToAppend) => State;
  readonly decide: (state: State, revision: LoadedRevision) => Decision<Rejection>;
  /** Loads, decides and appends at most this many times when others write first (default 5). */
  readonly maxAttempts?: number;
}

/** The outcome of one command: appended (or nothing to append), refused by the decider, or lost to concurrent writers. */
export type CommandOutcome<State, Rejection> =
  | {
      readonly ok: true;
      /** null when the decider had nothing to append. */
      readonly appended: AppendResult | null;
      readonly events: readonly EventToAppend[];
      /** The state after the appended events. */
      readonly state: State;
    }
  | { readonly ok: false; readonly kind: 'rejected'; readonly error: Rejection }
  | { readonly ok: false; readonly kind: 'conflict'; readonly error: WrongExpectedRevision; readonly attempts: number };

/**
 * Loads the stream, folds it, decides, and appends expecting the revision it
 * loaded. When another writer got there first it starts over on fresh
 * state, up to `maxAttempts` times. Outages and bugs are thrown.
 */
export async function handleCommand<State, Rejection>(options: HandleCommandOptions<State, Rejection>): Promise<CommandOutcome<State, Rejection>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    const { state, revision } = await load(options);
    const decision = options.decide(state, revision);
    if (!decision.ok) return { ok: false, kind: 'rejected', error: decision.error };
    if (decision.events.length === 0) return { ok: true, appended: null, events: [], state };
    try {
      const expectedRevision = revision === 'no_stream' ? 'no_stream' : revision;
      const appended = await options.store.append(options.streamId, decision.events, { expectedRevision });
      // A replay's events may have landed after our load: fold what is stored, not twice.
      const after = appended.idempotentReplay ? (await load(options)).state : decision.events.reduce(options.evolve, state);
      return { ok: true, appended, events: decision.events, state: after };
    } catch (error) {
      if (!isWrongExpectedRevision(error)) throw error;
      if (attempt >= maxAttempts) return { ok: false, kind: 'conflict', error, attempts: attempt };
    }
  }
}

async function load<State>(options: HandleCommandOptions<State, unknown>): Promise<{ state: State; revision: LoadedRevision }> {
  let state = options.initialState;
  let revision: LoadedRevision = 'no_stream';
  for await (const event of options.store.readStream(options.streamId)) {
    state = options.evolve(state, event);
    revision = event.revision;
  }
  return { state, revision };
}
