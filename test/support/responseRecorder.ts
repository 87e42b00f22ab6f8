import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { responsesDirVariable, type ResponseRecord } from './documentedResponses.js';

/**
 * Runs before every test file (vitest `setupFiles`): every fastify instance
 * the file builds records the (method, route, status) of each response it
 * sends, through fastify's own diagnostics channel. The global teardown
 * compares them with the responses the OpenAPI document names.
 */
const dir = process.env[responsesDirVariable];
// One subscription per worker process; each test file of the worker flushes what it saw.
const state = ((globalThis as { ledgerResponses?: { seen: Set<string> } }).ledgerResponses ??= subscribeOnce());

function subscribeOnce(): { seen: Set<string> } {
  const seen = new Set<string>();
  subscribe('fastify.initialization', (message) => {
    (message as { fastify: FastifyInstance }).fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (route !== undefined) seen.add(`${request.method} ${route} ${reply.statusCode}`);
      done();
    });
  });
  return { seen };
}

if (dir) {
  const testFile = path.relative(process.cwd(), expect.getState().testPath ?? 'unknown');
  // Written now: a file whose tests are all skipped runs no afterAll, yet it ran.
  const ran: ResponseRecord = { testFile };
  writeFileSync(path.join(dir, `ran-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify(ran));
  afterAll(() => {
    const record: ResponseRecord = { testFile, seen: [...state.seen] };
    state.seen.clear();
    writeFileSync(path.join(dir, `seen-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify(record));
  });
}
