import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { EventStore } from '../../eventstore/EventStore.js';
import type { Fetch } from '../../integrations/deliverWebhook.js';
import type { SecretBox } from '../../integrations/SecretBox.js';
import type { OrderService } from '../../orders/OrderService.js';
import { consumerKeyRoutes } from '../feed/consumerKeyRoutes.js';
import { feedRoutes } from '../feed/feedRoutes.js';
import { reconciliationRoutes } from '../reconciliations/reconciliationRoutes.js';
import { syncRoutes } from '../sync/syncRoutes.js';
import { integratorRoutes } from './integratorRoutes.js';

/** The feed, integrator-admin, sync and reconciliation routes, for `buildApp({ plugins })`. */
export function integrationPlugins(deps: { pool: pg.Pool; secrets: SecretBox; store: EventStore; orders: OrderService; fetch?: Fetch }): FastifyPluginAsync[] {
  const delivery = { pool: deps.pool, secrets: deps.secrets, store: deps.store, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  const resend = { ...delivery, orders: deps.orders };
  return [feedRoutes({ store: deps.store, pool: deps.pool }), consumerKeyRoutes(deps.pool), integratorRoutes(delivery), syncRoutes(resend), reconciliationRoutes(resend)];
}
