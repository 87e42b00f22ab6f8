import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { DomainPolicy } from '../../domain/domainPolicy.js';
import type { EventStore } from '../../eventstore/EventStore.js';
import type { LedgerMetrics } from '../../observability/metrics.js';
import { batchRoutes } from './batchRoutes.js';
import { OrderAliases } from '../../orders/orderAliases.js';
import { orderRoutes } from './orderRoutes.js';
import { OrderService } from '../../orders/OrderService.js';
import { UnmatchedQueue } from '../../orders/UnmatchedQueue.js';
import { unmatchedRoutes } from '../unmatched/unmatchedRoutes.js';

/** The order API (submissions, batches, state, history) wired onto one store. */
export function orderPlugins(deps: { pool: pg.Pool; store: EventStore; metrics: LedgerMetrics; policy?: DomainPolicy; cachedOrders?: number }): { service: OrderService; plugins: FastifyPluginAsync[] } {
  const unmatched = new UnmatchedQueue(deps.pool);
  const service = new OrderService({
    store: deps.store,
    aliases: new OrderAliases(deps.pool),
    unmatched,
    metrics: deps.metrics,
    ...(deps.policy ? { policy: deps.policy } : {}),
    ...(deps.cachedOrders !== undefined ? { cachedOrders: deps.cachedOrders } : {}),
  });
  return { service, plugins: [orderRoutes({ service, store: deps.store }), batchRoutes({ service }), unmatchedRoutes({ pool: deps.pool, queue: unmatched })] };
}
