import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook, type WebhookRequest } from '../../src/integrations/deliverWebhook.js';
import { testSecret } from './support/integratorHarness.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

// A busy service collects garbage all the time; a timeout that a collection
// can cancel must be caught here, so the test collects while it waits.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function collectingGarbage(): () => void {
  const timer = setInterval(() => gc(), 50);
  return () => clearInterval(timer);
}

const request = (url: string, signal = new AbortController().signal): WebhookRequest => ({
  url, secret: testSecret, id: '7f7c1a52-3a0e-4a7f-9a51-5a1c2f1e0a01', position: '1', integrator: 'late-test',
  body: '{"specversion":"1.0"}', timeoutMs: 1000, signal,
});

describe('deliverWebhook timeouts', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => receiver.close());

  it('gives up on a receiver that answers 2xx only after the timeout, and says it timed out', async () => {
    receiver.answer = () => ({ status: 204, afterMs: 2500 });
    const stop = collectingGarbage();
    const started = Date.now();
    try {
      const outcome = await deliverWebhook(request(receiver.url));
      expect(outcome).toEqual({ ok: false, kind: 'unreachable', error: 'timed out after 1000 ms' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      stop();
    }
  });

  it('gives up on a receiver that never answers, within the timeout', async () => {
    receiver.answer = () => 'hang';
    const stop = collectingGarbage();
    const started = Date.now();
    try {
      const outcome = await deliverWebhook(request(receiver.url));
      expect(outcome).toMatchObject({ ok: false, kind: 'unreachable' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      stop();
    }
  });

  it('ends a delivery whose fetch ignores its signal', async () => {
    const deaf = () => new Promise<Response>(() => undefined);
    const started = Date.now();
    const outcome = await deliverWebhook(request(receiver.url), deaf);
    expect(outcome).toMatchObject({ ok: false, kind: 'unreachable', error: 'timed out after 1000 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers aborted, not timed out, when the integrator stops mid-delivery', async () => {
    receiver.answer = () => 'hang';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(await deliverWebhook(request(receiver.url, controller.signal))).toMatchObject({ ok: false, kind: 'aborted' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('still delivers to a receiver that answers in time', async () => {
    receiver.answer = () => ({ status: 200, afterMs: 200 });
    expect(await deliverWebhook(request(receiver.url))).toEqual({ ok: true, status: 200 });
  });
});
