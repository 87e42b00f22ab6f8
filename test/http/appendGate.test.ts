import { describe, expect, it } from 'vitest';
import { AppendGate } from '../../src/http/appendGate.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A gate on a clock the test moves. */
function gateOnClock(options: { maxInFlight: number; latencyTargetMs: number }) {
  let now = 0;
  const gate = new AppendGate({ ...options, windowMs: 100, minInFlight: 2, now: () => now });
  /**
   * One 100 ms window in which the given submissions start together and
   * each finishes after its own time (untimed ones are batches).
   */
  const window = async (durations: readonly number[], untimed: readonly number[] = []) => {
    const started = now;
    const all = [...durations.map((ms) => ({ ms, timed: true })), ...untimed.map((ms) => ({ ms, timed: false }))];
    const finishes = all.map(() => deferred());
    const runs = all.map((s, i) => gate.run(() => finishes[i]!.promise, s.timed));
    for (const i of all.map((_, i) => i).sort((a, b) => all[a]!.ms - all[b]!.ms)) {
      now = started + all[i]!.ms;
      finishes[i]!.resolve();
      await runs[i];
    }
    now = Math.max(now, started + 100);
  };
  return { gate, window, advance: (ms: number) => (now += ms) };
}

describe('the append gate', () => {
  it('admits up to the in-flight limit and refuses the rest at once', async () => {
    const gate = new AppendGate({ maxInFlight: 2, latencyTargetMs: 50 });
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const first = gate.run(() => blocked);
    const second = gate.run(() => blocked);
    expect(await gate.run(async () => 'third')).toEqual({ admitted: false, reason: 'in-flight-limit' });
    release();
    expect((await Promise.all([first, second])).every((r) => r.admitted)).toBe(true);
    expect(await gate.run(async () => 'after')).toEqual({ admitted: true, value: 'after' });
  });

  it('shrinks the admitted concurrency while the submissions of each window take longer than the target on average', async () => {
    const { gate, window } = gateOnClock({ maxInFlight: 100, latencyTargetMs: 50 });
    for (let w = 0; w < 10; w++) await window([80, 90, 120]);
    expect(gate.limit).toBeLessThan(100 * 0.9 ** 8);
    expect(gate.limit).toBeGreaterThanOrEqual(2);
  });

  it('is not tripped by one slow submission among fast ones, nor by batches', async () => {
    const { gate, window } = gateOnClock({ maxInFlight: 100, latencyTargetMs: 50 });
    for (let w = 0; w < 10; w++) await window([90, 5, 5, 5, 5, 5, 5, 5, 5, 5], Array.from({ length: 12 }, () => 95));
    expect(gate.limit).toBe(100);
  });

  it('climbs back to the full limit once the queue has drained', async () => {
    const { gate, window, advance } = gateOnClock({ maxInFlight: 50, latencyTargetMs: 50 });
    for (let w = 0; w < 20; w++) await window([80, 95]);
    expect(gate.limit).toBeLessThan(10);
    advance(100 * 60);
    await window([5]);
    await window([5]);
    expect(gate.limit).toBe(50);
  });

  it('refuses past the shrunken limit with the latency reason', async () => {
    const { gate, window } = gateOnClock({ maxInFlight: 10, latencyTargetMs: 50 });
    for (let w = 0; w < 30; w++) await window([90]);
    expect(gate.limit).toBe(2);
    const hold: Promise<unknown>[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    hold.push(gate.run(() => blocked), gate.run(() => blocked));
    expect(await gate.run(async () => undefined)).toEqual({ admitted: false, reason: 'latency-limit' });
    release();
    await Promise.all(hold);
  });
});
