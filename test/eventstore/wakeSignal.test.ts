import { describe, expect, it } from 'vitest';
import { createWakeSignal } from '../../src/eventstore/wakeSignal.js';

const settled = async (promise: Promise<void>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('the wake signal live readers share', () => {
  it('releases a waiter on wake, and answers at once for a generation already passed', async () => {
    const wakes = createWakeSignal(60_000, () => false);
    const seen = wakes.generation();
    const waiting = wakes.wait(seen, new AbortController().signal);
    expect(await settled(waiting, 50)).toBe(false);
    wakes.wake();
    expect(await settled(waiting, 50)).toBe(true);
    expect(wakes.generation()).toBe(seen + 1);
    expect(await settled(wakes.wait(seen, new AbortController().signal), 50)).toBe(true);
  });

  it('releases a waiter after pollMs, on abort, and at once when closed', async () => {
    const slow = createWakeSignal(30, () => false);
    expect(await settled(slow.wait(slow.generation(), new AbortController().signal), 1_000)).toBe(true);
    const patient = createWakeSignal(60_000, () => false);
    const abort = new AbortController();
    const waiting = patient.wait(patient.generation(), abort.signal);
    abort.abort();
    expect(await settled(waiting, 50)).toBe(true);
    let closed = false;
    const closing = createWakeSignal(60_000, () => closed);
    closed = true;
    expect(await settled(closing.wait(closing.generation(), new AbortController().signal), 50)).toBe(true);
  });
});
