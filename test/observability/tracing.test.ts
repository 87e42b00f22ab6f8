import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { freePort } from '../../src/postgres/freePort.js';
import { placeOrderBody } from '../http/support/payloads.js';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { unshedSettings } from '../support/unshedSettings.js';

const root = path.resolve(import.meta.dirname, '../..');

interface Service { url: string; child: ChildProcess; output: () => string; stop(): Promise<number | null> }

/** `order-ledger serve` as a process of its own on `db`, with `env` added. */
async function serve(db: TestDatabase, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'order-ledger-tracing-'));
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/support/reportTracerProvider.mjs', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    env: { ...withoutOtel(process.env), PORT: String(port), DATABASE_URL: db.url, LEDGER_DATA_DIR: dataDir, LOG_LEVEL: 'info', LEDGER_ANCHOR_INTERVAL_SECONDS: '0',
      ...unshedSettings, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the service did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url, child, output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

function withoutOtel(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_')));
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const storedCorrelation = async (db: TestDatabase, orderKey: string) =>
  (await db.pool.query<{ c: string }>(`SELECT metadata->>'correlationId' AS c FROM ledger.events WHERE stream_id = $1`, [`order-${orderKey}`])).rows.map((r) => r.c);

describe('OpenTelemetry tracing, exported when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
  let db: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let service: Service;
  let submit: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase(4);
    const keys = await ApiKeyStore.open(db.pool);
    submit = { authorization: `Bearer ${(await keys.create({ system: 'ECOMMERCE', scopes: ['submit'], actor: 'test' })).key}`, 'content-type': 'application/json' };
    await keys.stop();
    receiver = await startOtlpReceiver();
    service = await serve(db, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' });
  }, 90_000);
  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

  it('sends the server span, the pg spans and the append span of a POST /v1/orders in one trace, whose id is the stored correlation id', async () => {
    const answer = await fetch(`${service.url}/v1/orders`, { method: 'POST', headers: submit, body: JSON.stringify(placeOrderBody('TR-1')) });
    expect(answer.status).toBe(201);
    const [, traceId, spanId] = traceparentPattern.exec(answer.headers.get('traceparent') ?? '') ?? [];
    expect(traceId).toBeDefined();
    expect(answer.headers.get('x-correlation-id')).toBe(traceId);
    expect(await storedCorrelation(db, 'TR-1')).toEqual([traceId]);

    const server = await until('server span', () => inTrace(traceId!).find((s) => s.kind === 2));
    expect(server).toMatchObject({ spanId, name: 'POST /v1/orders', parentSpanId: '', service: 'order-ledger' });
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/orders', 'ledger.correlation_id': traceId });
    const append = await until('append span', () => inTrace(traceId!).find((s) => s.name === 'append'));
    expect(append.attributes).toMatchObject({ 'ledger.stream': 'order-TR-1', 'ledger.events': 1, 'ledger.expected_revision': 'no_stream', 'ledger.idempotent_replay': false });
    const statement = await until('group-commit statement', () => inTrace(traceId!).find((s) => s.name === 'append_batch'));
    expect(statement.parentSpanId).toBe(append.spanId);
    expect(statement.links).toContainEqual({ traceId, spanId: append.spanId });
    const queries = inTrace(traceId!).filter((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql');
    expect(queries.some((q) => q.parentSpanId === statement.spanId)).toBe(true);

    const log = service.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log.find((line) => line.msg === 'request' && line.correlationId === traceId)).toMatchObject({ traceId, route: '/v1/orders', status: 201 });
  });

  it("continues a caller's traceparent, and keeps the caller's x-correlation-id when one is given", async () => {
    const [callerTrace, callerSpan] = [randomBytes(16).toString('hex'), randomBytes(8).toString('hex')];
    const continued = await fetch(`${service.url}/v1/orders`, {
      method: 'POST', headers: { ...submit, traceparent: `00-${callerTrace}-${callerSpan}-01` }, body: JSON.stringify(placeOrderBody('TR-2')),
    });
    expect(continued.status).toBe(201);
    expect(continued.headers.get('traceparent')).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));
    expect(await storedCorrelation(db, 'TR-2')).toEqual([callerTrace]);
    const server = await until('continued server span', () => inTrace(callerTrace).find((s) => s.kind === 2));
    expect(server.parentSpanId).toBe(callerSpan);
    await until('append span of the continued trace', () => inTrace(callerTrace).find((s) => s.name === 'append'));

    const named = await fetch(`${service.url}/v1/orders`, {
      method: 'POST', headers: { ...submit, 'x-correlation-id': 'flow-TR-3' }, body: JSON.stringify(placeOrderBody('TR-3')),
    });
    expect(named.headers.get('x-correlation-id')).toBe('flow-TR-3');
    const [, traceId] = traceparentPattern.exec(named.headers.get('traceparent') ?? '') ?? [];
    expect(await storedCorrelation(db, 'TR-3')).toEqual(['flow-TR-3']);
    const joined = await until('server span naming the correlation id', () => inTrace(traceId!).find((s) => s.kind === 2));
    expect(joined.attributes['ledger.correlation_id']).toBe('flow-TR-3');
  });

  it('links a group-commit statement that carries several appends to the span of each of them', async () => {
    let shared: ReceivedSpan | undefined;
    for (let round = 0; round < 10 && !shared; round++) {
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) =>
        fetch(`${service.url}/v1/orders`, { method: 'POST', headers: submit, body: JSON.stringify(placeOrderBody(`TRG-${round}-${i}`)) })));
      expect(answers.map((a) => a.status).filter((status) => status !== 201)).toEqual([]);
      shared = await until('statements of the round', () => {
        const statements = receiver.spans.filter((s) => s.name === 'append_batch' && String(s.attributes['ledger.appends']) !== '0');
        return statements.length > 0 ? statements.find((s) => Number(s.attributes['ledger.appends']) > 1) ?? null : undefined;
      }) ?? undefined;
    }
    expect(shared, 'no statement carried more than one append in ten rounds of 24 concurrent submissions').toBeDefined();
    expect(shared!.links).toHaveLength(Number(shared!.attributes['ledger.appends']));
    const appends = shared!.links.map((link) => receiver.spans.find((s) => s.name === 'append' && s.traceId === link.traceId && s.spanId === link.spanId));
    expect(appends.every((a) => a !== undefined)).toBe(true);
    expect(new Set(shared!.links.map((l) => l.traceId)).size).toBe(shared!.links.length);
    expect(shared!.links.some((l) => l.spanId === shared!.parentSpanId)).toBe(true);
  });

  it('sends a span for each projection batch, naming the projection, its events and positions', async () => {
    const answer = await fetch(`${service.url}/v1/orders`, { method: 'POST', headers: submit, body: JSON.stringify(placeOrderBody('TR-4')) });
    const { position } = await answer.json() as { position: string };
    const batch = await until('projection batch span', () => receiver.spans.find((s: ReceivedSpan) =>
      s.name === 'projection_batch' && s.attributes['ledger.projection'] === 'orders' && String(s.attributes['ledger.to_position']) >= position));
    expect(batch.attributes['ledger.events']).toBeGreaterThan(0);
    expect(String(batch.attributes['ledger.from_position']) < String(batch.attributes['ledger.to_position'])).toBe(true);
    expect(receiver.spans.some((s) => s.traceId === batch.traceId && s.parentSpanId === batch.spanId && s.name.startsWith('pg'))).toBe(true);
  });

  it('registered a tracer provider, and sends what it holds when stopped', async () => {
    expect(await service.stop()).toBe(0);
    expect(service.output()).toContain('tracer provider registered: true');
  });
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('registers no tracer provider: no traceparent on answers, correlation ids are UUIDs, no trace id in the log', async () => {
    const db = await createTestDatabase(4);
    const keys = await ApiKeyStore.open(db.pool);
    const headers = { authorization: `Bearer ${(await keys.create({ system: 'ECOMMERCE', scopes: ['submit'], actor: 'test' })).key}`, 'content-type': 'application/json' };
    await keys.stop();
    const service = await serve(db, {});
    try {
      const answer = await fetch(`${service.url}/v1/orders`, { method: 'POST', headers, body: JSON.stringify(placeOrderBody('NT-1')) });
      expect(answer.status).toBe(201);
      expect(answer.headers.get('traceparent')).toBeNull();
      expect(answer.headers.get('x-correlation-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      expect(await service.stop()).toBe(0);
    }
    expect(service.output()).toContain('tracer provider registered: false');
    expect(service.output()).toContain('"msg":"request"');
    expect(service.output()).not.toContain('traceId');
  }, 90_000);
});
