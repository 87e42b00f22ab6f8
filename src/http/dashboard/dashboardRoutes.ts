import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type pg from 'pg';
import type { EventStore } from '../../eventstore/EventStore.js';
import { liveStream } from './liveStream.js';
import { timelineRoute } from './timelineRoute.js';

export interface DashboardDeps {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  /** How often the live stream looks for new events (ms). */
  readonly livePollMs?: number;
}

const publicDir = fileURLToPath(new URL('./public/', import.meta.url));
const pageFiles = ['index.html', 'dashboard.css', 'main.js', 'api.js', 'format.js', 'overview.js', 'overviewPanels.js', 'orderPage.js', 'charts.js'];
const types: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };
// Everything the page loads comes from this service: it works offline and nothing else may be fetched.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** The charting library, served from the installed package rather than a CDN. */
function chartLibraryPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

/**
 * The operations dashboard at `/dashboard` (static files; the page signs in
 * with a `read` API key and reads the report API), its live stream and the
 * read-scope order timeline.
 */
export function dashboardRoutes(deps: DashboardDeps): FastifyPluginAsync {
  return async (app) => {
    const assets = new Map<string, { body: Buffer; type: string }>();
    for (const name of pageFiles) assets.set(name, { body: await readFile(join(publicDir, name)), type: types[name.split('.').pop()!]! });
    assets.set('chart.umd.min.js', { body: await readFile(chartLibraryPath()), type: types.js! });
    const page = assets.get('index.html')!;
    const closing = new AbortController();
    app.addHook('preClose', (done) => {
      closing.abort();
      done();
    });

    const sendPage = (_request: unknown, reply: FastifyReply) =>
      reply.type(page.type).header('content-security-policy', contentSecurityPolicy).header('cache-control', 'no-cache').send(page.body);
    const hidden = { schema: { hide: true } };
    app.get('/dashboard', hidden, sendPage);
    app.get('/dashboard/', hidden, sendPage);
    app.get('/dashboard/orders/:orderKey', hidden, sendPage);
    app.get<{ Params: { name: string } }>('/dashboard/assets/:name', hidden, async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset || asset === page) return reply.code(404).type('text/plain').send('not found');
      return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
    });

    app.get('/v1/dashboard/live', {
      config: { scope: 'read' },
      schema: {
        tags: ['reports'],
        summary: 'Server-sent events: `changed` whenever the read models applied new events, with those events (at most 20)',
        description: 'The dashboard refreshes its figures on each message. Authenticate with the Authorization header (read scope).',
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('The event stream') },
      },
    }, async (request, reply) => {
      await liveStream(request, reply, { pool: deps.pool, pollMs: deps.livePollMs ?? 1000, heartbeatMs: 15_000, shutdown: closing.signal });
      return reply;
    });

    await app.register(timelineRoute(deps.store));
  };
}
