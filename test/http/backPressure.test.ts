import { describe, expect, it } from 'vitest';
import { createTestApp } from './support/testApp.js';
import { placeOrderBody } from './support/payloads.js';

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // A CPU-bound stretch, as a process starved of CPU lives through.
  }
}

describe('back-pressure on event-loop delay', () => {
  it('answers API requests 503 OVERLOADED with Retry-After while the event loop lags, and still answers /health', async () => {
    const t = await createTestApp({ maxEventLoopDelayMs: 20 });
    // Let the sampler see the stall: block, then give it a sample or two.
    for (let i = 0; i < 4; i++) {
      blockEventLoop(300);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const submission = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('EL-1') });
    expect(submission.statusCode).toBe(503);
    expect(submission.headers['retry-after']).toBe('1');
    expect(submission.json()).toMatchObject({ code: 'OVERLOADED', detail: expect.stringMatching(/^Event-loop delay is past 20 ms/) });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    // Once the loop is quiet again, the same submission goes through.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const later = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('EL-1') });
    expect(later.statusCode).toBe(201);
  });

  it('does not read an interval the loop held throughout as a delay past a bound longer than the interval', async () => {
    const t = await createTestApp({ maxEventLoopDelayMs: 10_000 });
    for (let i = 0; i < 4; i++) {
      // Longer than the 250 ms sampling interval: the sampler finds no sample at all in it.
      blockEventLoop(400);
      const submission = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody(`EL-HELD-${i}`) });
      expect(submission.statusCode, submission.body).toBe(201);
    }
  });
});
