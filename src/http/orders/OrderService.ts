import { commandFromSubmission } from '../../domain/commandFromSubmission.js';
import { decide } from '../../domain/decide.js';
import { defaultDomainPolicy, type DomainPolicy } from '../../domain/domainPolicy.js';
import { domainError, type DomainError } from '../../domain/errors.js';
import { isOrderEventType, type DomainEvent } from '../../domain/events.js';
import { evolveAll } from '../../domain/evolve.js';
import { eventIdFor } from '../../domain/idempotency.js';
import { displayStatus, orderStatus } from '../../domain/orderStatus.js';
import { initialOrderState, type OrderState } from '../../domain/orderState.js';
import type { EventStore, Position, RecordedEvent } from '../../eventstore/EventStore.js';
import { domainEventOf, toEventToAppend } from '../../eventstore/orderEventCodec.js';
import { orderStreamId } from '../../eventstore/streams.js';
import { isWrongExpectedRevision } from '../../eventstore/WrongExpectedRevision.js';
import type { LedgerMetrics } from '../metrics.js';
import { aliasesOf, describeRef, unmatchedStreamId, type Alias, type OrderAliases, type OrderRef } from './orderAliases.js';
import { OrderStateCache } from './OrderStateCache.js';
import { buildEnvelope, type SubmissionContext, type TransitionBody } from './submission.js';

/** An order as loaded from its stream. */
export interface LoadedOrder {
  readonly recorded: readonly RecordedEvent[];
  readonly state: OrderState;
  readonly revision: bigint | 'no_stream';
}

/** The answer to one accepted (or replayed) submission; a replay answers the same body. */
export interface AcceptedBody {
  orderKey: string;
  eventId: string;
  type: string;
  revision: number;
  position: Position;
  status: string;
  displayStatus: string;
  exceptions: { eventId: string; code: string; priority: number }[];
}

export type SubmissionOutcome =
  | { readonly kind: 'accepted' | 'duplicate'; readonly body: AcceptedBody }
  | { readonly kind: 'unmatched'; readonly body: { status: 'UNMATCHED'; alias: string; eventId: string; position: Position; detail: string } }
  | { readonly kind: 'refused'; readonly error: DomainError | { code: 'VALIDATION_FAILED' | 'CONCURRENT_UPDATE'; message: string }; readonly issues?: readonly { path: string; message: string }[] };

export interface OrderServiceDeps {
  store: EventStore;
  aliases: OrderAliases;
  metrics: LedgerMetrics;
  policy?: DomainPolicy;
  maxAttempts?: number;
  /** Orders whose folded state is kept between submissions (default 5,000; 0 disables). */
  cachedOrders?: number;
}

/** Submits transitions: resolve the order, fold its stream, decide, append with the loaded revision. */
export class OrderService {
  private readonly policy: DomainPolicy;
  private readonly cache: OrderStateCache;
  constructor(private readonly deps: OrderServiceDeps) {
    this.policy = deps.policy ?? defaultDomainPolicy;
    this.cache = new OrderStateCache(deps.cachedOrders ?? 5_000);
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

  /**
   * The order's current state: the cached fold plus whatever the stream
   * gained since (usually nothing, one indexed query).
   */
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
      const denied = decide(command.command, initialOrderState, this.policy);
      if (!denied.ok && denied.error.code === 'NOT_OWNER') return refused(denied.error);
      return this.park(ref.alias, body.type, body.data, envelope.data);
    }
    return this.decideAndAppend(orderKey!, command.command);
  }

  /**
   * Decides on the cached state when there is one (no read), else on the
   * stream; appends expecting that revision. A refused append means someone
   * else wrote first: reload and decide again, at most `maxAttempts` times.
   */
  private async decideAndAppend(orderKey: string, command: Parameters<typeof decide>[0]): Promise<SubmissionOutcome> {
    const maxAttempts = this.deps.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      // First try without reading: the cached fold, or for a new order the empty one.
      const cached = attempt === 1 ? this.cache.get(orderKey) ?? assumedNew(command) : undefined;
      const order = cached ?? await this.load(orderKey);
      const decision = decide(command, order.state, this.policy);
      if (!decision.ok) {
        // A refusal decided on cached state must hold for the stream as it is now.
        if (cached) continue;
        return refused(decision.error);
      }
      if (decision.duplicateOf) return this.replay(orderKey, await this.load(orderKey), decision.duplicateOf);
      const started = performance.now();
      try {
        const appended = await this.deps.store.append(
          orderStreamId(orderKey),
          decision.events.map((e) => toEventToAppend(e, orderKey)),
          { expectedRevision: order.revision },
        );
        this.deps.metrics.appendSeconds.observe((performance.now() - started) / 1000);
        const first = toEventToAppend(decision.events[0]!, orderKey).id;
        if (appended.idempotentReplay) return this.replay(orderKey, await this.load(orderKey), first);
        for (const e of decision.events) this.deps.metrics.accepted.inc({ type: e.type });
        const after = decision.state;
        this.cache.set(orderKey, { state: after, revision: appended.nextRevision });
        await this.learnAliases(orderKey, decision.events, appended.position);
        return { kind: 'accepted', body: acceptedBody(orderKey, decision.events, appended.nextRevision, appended.position, after) };
      } catch (error) {
        if (!isWrongExpectedRevision(error)) throw error;
        this.cache.forget(orderKey);
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
    return { kind: 'duplicate', body: acceptedBody(orderKey, own, last.revision, last.position, state, order.recorded[index]!.id) };
  }

  /**
   * Binds the aliases the events name, then applies what waited under each
   * alias bound to this order. Every time, not only when the alias is new: a
   * crash between binding and applying must not strand a waiting event, and
   * applying one twice is answered as a duplicate.
   */
  private async learnAliases(orderKey: string, events: readonly DomainEvent[], position: Position): Promise<void> {
    const aliases = events.flatMap(aliasesOf);
    if (aliases.length === 0) return;
    const learnt = await this.deps.aliases.register(orderKey, aliases, position);
    for (const alias of aliases) {
      const isNew = learnt.some((a) => a.kind === alias.kind && a.value === alias.value);
      if (isNew || (await this.deps.aliases.resolve(alias)) === orderKey) await this.redrive(alias, orderKey);
    }
  }

  /** Keeps a submission for an alias nobody has named yet, in the log, until an order claims it. */
  private async park(alias: Alias, type: string, data: unknown, envelope: DomainEvent['envelope']): Promise<SubmissionOutcome> {
    const id = eventIdFor(`unmatched:${envelope.idempotencyKey}`);
    const appended = await this.deps.store.append(unmatchedStreamId(alias), [{ id, type, data, metadata: { ...envelope, unmatched: alias } }], { expectedRevision: 'any' });
    const aliasText = `${alias.kind}:${alias.value}`;
    return {
      kind: 'unmatched',
      body: {
        status: 'UNMATCHED', alias: aliasText, eventId: id, position: appended.position,
        detail: `No order is known as ${aliasText} yet; the transition is kept and applied when an order takes that alias.`,
      },
    };
  }

  /** Applies what waited under `alias` to the order that just took it, in arrival order. */
  private async redrive(alias: Alias, orderKey: string): Promise<void> {
    for await (const waiting of this.deps.store.readStream(unmatchedStreamId(alias))) {
      const event = domainEventOf(waiting);
      if (!event) continue;
      const command = commandFromSubmission({ type: event.type, data: event.data, envelope: { ...event.envelope, causationId: waiting.id }, orderKey });
      if (command.ok) await this.decideAndAppend(orderKey, command.command);
    }
  }
}

/** A new order is usually new: decide it on the empty state; if the stream exists, the append says so. */
function assumedNew(command: Parameters<typeof decide>[0]): { state: OrderState; revision: 'no_stream' } | undefined {
  return command.type === 'PlaceOrder' ? { state: initialOrderState, revision: 'no_stream' } : undefined;
}

function acceptedBody(orderKey: string, events: readonly DomainEvent[], lastRevision: bigint, position: Position, state: OrderState, firstId?: string): AcceptedBody {
  const [first, ...rest] = events;
  return {
    orderKey,
    eventId: firstId ?? toEventToAppend(first!, orderKey).id,
    type: first!.type,
    revision: Number(lastRevision) - rest.length,
    position,
    status: orderStatus(state),
    displayStatus: displayStatus(state),
    exceptions: rest.flatMap((e) => (e.type === 'ExceptionRaised' ? [{ eventId: toEventToAppend(e, orderKey).id, code: e.data.code, priority: e.data.priority }] : [])),
  };
}

function domainEventsOf(recorded: readonly RecordedEvent[]): DomainEvent[] {
  return recorded.map(domainEventOf).filter((e): e is DomainEvent => e !== undefined);
}

function refused(error: DomainError | { code: 'VALIDATION_FAILED' | 'CONCURRENT_UPDATE'; message: string }, issues?: { path: string; message: string }[]): SubmissionOutcome {
  return issues && issues.length > 0 ? { kind: 'refused', error, issues } : { kind: 'refused', error };
}

export { domainError };
