import { commandFromSubmission } from '../domain/commandFromSubmission.js';
import type { Command } from '../domain/commands.js';
import { decide, statelessError, type Decision } from '../domain/decide.js';
import { defaultDomainPolicy, type DomainPolicy } from '../domain/domainPolicy.js';
import { domainError } from '../domain/errors.js';
import { isOrderEventType, type DomainEvent } from '../domain/events.js';
import { evolveAll } from '../domain/evolve.js';
import { initialOrderState, type OrderState } from '../domain/orderState.js';
import { eventIdOf } from '../domain/stamp.js';
import type { EventStore, Position, RecordedEvent } from '../eventstore/EventStore.js';
import { domainEventOf, toEventToAppend } from '../eventstore/orderEventCodec.js';
import { orderStreamId } from '../eventstore/streams.js';
import { isWrongExpectedRevision } from '../eventstore/WrongExpectedRevision.js';
import { inSpan } from '../observability/tracing.js';
import { aliasesOf, describeRef, type OrderAliases, type OrderRef } from './orderAliases.js';
import { defaultCachedOrders, OrderStateCache } from './OrderStateCache.js';
import { applyWaiting, parkOrRefuse, redriveAlias, type Redrive } from './redrive.js';
import { buildEnvelope, type SubmissionContext, type TransitionBody } from './submission.js';
import { acceptedBody, refused, type SubmissionOutcome } from './SubmissionOutcome.js';
import type { UnmatchedQueue } from './UnmatchedQueue.js';
import type { WriteMetrics } from './WriteMetrics.js';

/** An order as loaded from its stream. */
export interface LoadedOrder {
  readonly recorded: readonly RecordedEvent[];
  readonly state: OrderState;
  readonly revision: bigint | 'no_stream';
}

export interface OrderServiceDeps {
  store: EventStore;
  aliases: OrderAliases;
  unmatched: UnmatchedQueue;
  metrics: WriteMetrics;
  policy?: DomainPolicy;
  maxAttempts?: number;
  /** Orders whose folded state is kept between submissions (`LEDGER_ORDER_CACHE_ORDERS`; default 5,000; 0 disables). */
  cachedOrders?: number;
}

/**
 * The write side: the one path every transition takes into the log, whether
 * it comes as a single request, a batch item, a redriven waiting transition or
 * a CLI command. Resolve the order, decide on cached or loaded state, append
 * expecting that revision, retry on conflict, answer a retry with the original.
 */
export class OrderService {
  readonly policy: DomainPolicy;
  private readonly cache: OrderStateCache;
  private readonly redrive: Redrive;
  constructor(private readonly deps: OrderServiceDeps) {
    this.policy = deps.policy ?? defaultDomainPolicy;
    this.cache = new OrderStateCache(deps.cachedOrders ?? defaultCachedOrders);
    this.redrive = { queue: deps.unmatched, commit: (orderKey, decideOn) => this.commit(orderKey, decideOn) };
  }

  async load(orderKey: string): Promise<LoadedOrder> {
    const recorded: RecordedEvent[] = [];
    for await (const event of this.deps.store.readStream(orderStreamId(orderKey))) recorded.push(event);
    // One fold of the whole stream derives the lines once, not after every event.
    const state = evolveAll(initialOrderState, domainEventsOf(recorded));
    const last = recorded.at(-1);
    if (last) this.cache.set(orderKey, { state, revision: last.revision });
    return { recorded, state, revision: last ? last.revision : 'no_stream' };
  }

  /** The order's current state: the cached fold plus whatever the stream gained since (usually nothing). */
  async current(orderKey: string): Promise<{ state: OrderState; revision: bigint | 'no_stream' }> {
    const cached = this.cache.get(orderKey);
    if (!cached) return this.load(orderKey);
    const gained: RecordedEvent[] = [];
    for await (const event of this.deps.store.readStream(orderStreamId(orderKey), { fromRevision: cached.revision + 1n })) gained.push(event);
    const state = gained.length === 0 ? cached.state : evolveAll(cached.state, domainEventsOf(gained));
    const revision = gained.at(-1)?.revision ?? cached.revision;
    this.cache.set(orderKey, { state, revision });
    return { state, revision };
  }

  async resolve(ref: OrderRef): Promise<string | undefined> {
    return 'orderKey' in ref ? ref.orderKey : this.deps.aliases.resolve(ref.alias);
  }

  async submit(ref: OrderRef, body: TransitionBody, ctx: SubmissionContext): Promise<SubmissionOutcome> {
    if (!isOrderEventType(body.type)) {
      return refused({ code: 'VALIDATION_FAILED', message: `type "${body.type}" is not an event type of the catalogue` }, [{ path: 'body.type', message: 'unknown event type' }]);
    }
    const envelope = buildEnvelope(body.type, body, ctx);
    if (!envelope.success) {
      // The body had the right shape (the route checked it); a value the log cannot hold is unprocessable.
      const issues = envelope.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message }));
      return refused(domainError('INVALID_PAYLOAD', `The envelope is invalid: ${issues[0]!.path} ${issues[0]!.message}.`, issues[0]!.path), issues);
    }
    const orderKey = await this.resolve(ref);
    const command = commandFromSubmission({ type: body.type, data: body.data, envelope: envelope.data, orderKey: orderKey ?? describeRef(ref) });
    if (!command.ok) {
      return refused(command.error, command.issues.map((i) => ({ path: ['body', 'data', ...i.path].join('.'), message: i.message })));
    }
    if (orderKey === undefined && 'alias' in ref) {
      const early = statelessError(command.command, this.policy);
      if (early) return refused(early);
      return parkOrRefuse(this.deps.unmatched, ref.alias, body.type, body.data, envelope.data);
    }
    return this.commit(orderKey!, (state) => decide(command.command, state, this.policy), command.command);
  }

  /**
   * A command the ledger issues itself (a re-send's record), for an order
   * that exists: decided and appended like every submission, on the same
   * path, so a business event written meanwhile is folded in, never lost.
   */
  async issue(command: Command): Promise<SubmissionOutcome> {
    return this.commit(command.orderKey, (state) => decide(command, state, this.policy), command);
  }

  /** Applies what waits under aliases already bound (after a crash between binding and applying). */
  async redriveBound(): Promise<number> {
    let applied = 0;
    for (const { alias, orderKey } of await this.deps.unmatched.boundAliases()) applied += await redriveAlias(this.redrive, alias, orderKey, this.policy);
    return applied;
  }

  /**
   * Decides on the cached state when there is one (no read), else on the
   * stream; appends expecting that revision. A refused append means someone
   * else wrote first: fold in what they wrote and decide again, at most
   * `maxAttempts` times.
   */
  private async commit(orderKey: string, decideOn: (state: OrderState) => Decision, command?: Command): Promise<SubmissionOutcome> {
    const maxAttempts = this.deps.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      // First try without reading: the cached fold, or for a new order the empty one.
      const cached = attempt === 1 ? this.cache.get(orderKey) ?? assumedNew(command) : undefined;
      // Later attempts start from the cached fold too, reading only what the stream gained since.
      const order = cached ?? await this.current(orderKey);
      const decision = decideOn(order.state);
      if (!decision.ok) {
        // A refusal decided on cached state must hold for the stream as it is now.
        if (cached) continue;
        return refused(decision.error);
      }
      if (decision.duplicateOf) return this.replay(orderKey, await this.load(orderKey), decision.duplicateOf);
      const started = performance.now();
      try {
        const streamId = orderStreamId(orderKey);
        const appended = await inSpan('append', {
          'ledger.stream': streamId, 'ledger.events': decision.events.length, 'ledger.expected_revision': String(order.revision),
        }, async (span) => {
          const result = await this.deps.store.append(streamId, decision.events.map((e) => toEventToAppend(e, orderKey)), { expectedRevision: order.revision });
          span.setAttributes({ 'ledger.next_revision': String(result.nextRevision), 'ledger.position': result.position, 'ledger.idempotent_replay': result.idempotentReplay });
          return result;
        });
        this.deps.metrics.appendSeconds.observe((performance.now() - started) / 1000);
        if (appended.idempotentReplay) return this.replay(orderKey, await this.load(orderKey), eventIdOf(decision.events[0]!));
        for (const e of decision.events) this.deps.metrics.accepted.inc({ type: e.type });
        this.cache.set(orderKey, { state: decision.state, revision: appended.nextRevision });
        await this.learnAliases(orderKey, decision.events, appended.position);
        return { kind: 'accepted', body: acceptedBody(orderKey, decision.events, appended.nextRevision, appended.position, decision.state) };
      } catch (error) {
        if (!isWrongExpectedRevision(error)) throw error;
        // Usually the stream moved on, and the cached fold plus what it gained is its state; a stream behind it is read whole.
        if (error.actual === 'no_stream' || (typeof order.revision === 'bigint' && error.actual < order.revision)) this.cache.forget(orderKey);
        this.deps.metrics.conflicts.inc();
        if (attempt >= maxAttempts) {
          return refused({ code: 'CONCURRENT_UPDATE', message: `Order ${orderKey} kept changing under ${attempt} attempts; retry with the same idempotency key.` });
        }
      }
    }
  }

  /** Answers a retry with the body of the original, rebuilt from the log up to that submission. */
  private async replay(orderKey: string, order: LoadedOrder, eventId: string): Promise<SubmissionOutcome> {
    const index = order.recorded.findIndex((e) => e.id === eventId);
    if (index < 0) throw new Error(`duplicate of ${eventId} but the event is not in order ${orderKey}`);
    let end = index;
    while (order.recorded[end + 1]?.metadata.causationId === eventId && order.recorded[end + 1]?.type === 'ExceptionRaised') end++;
    const events = domainEventsOf(order.recorded.slice(0, end + 1));
    const state = evolveAll(initialOrderState, events);
    const own = events.slice(index);
    const last = order.recorded[end]!;
    this.deps.metrics.idempotentReplays.inc();
    // The first attempt may have failed between its append and its alias write.
    await this.learnAliases(orderKey, own, last.position);
    return { kind: 'duplicate', body: acceptedBody(orderKey, own, last.revision, last.position, state) };
  }

  /**
   * Binds the aliases the events name, then applies what waited under each
   * alias bound to this order. Every time, not only when the alias is new: a
   * crash between binding and applying must not strand a waiting transition,
   * and applying one twice is answered as a duplicate.
   */
  private async learnAliases(orderKey: string, events: readonly DomainEvent[], position: Position): Promise<void> {
    const aliases = events.flatMap(aliasesOf);
    if (aliases.length === 0) return;
    for (const { waiting } of await this.deps.aliases.bind(orderKey, aliases, position)) {
      if (waiting.length > 0) await applyWaiting(this.redrive, waiting, orderKey, this.policy);
    }
  }
}

/** A new order is usually new: decide it on the empty state; if the stream exists, the append says so. */
function assumedNew(command: Command | undefined): { state: OrderState; revision: 'no_stream' } | undefined {
  return command?.type === 'PlaceOrder' ? { state: initialOrderState, revision: 'no_stream' } : undefined;
}

function domainEventsOf(recorded: readonly RecordedEvent[]): DomainEvent[] {
  return recorded.map(domainEventOf).filter((e): e is DomainEvent => e !== undefined);
}
