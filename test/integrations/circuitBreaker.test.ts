import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/retry/backoff.js';
import { CircuitBreaker } from '../../src/integrations/CircuitBreaker.js';

describe('the circuit breaker', () => {
  it('opens after consecutive failures, lets one trial through after the pause, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 100 }, () => now);
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.waitMs()).toBe(100);
    now = 100;
    expect(breaker.waitMs()).toBe(0);
    breaker.beginRequest();
    expect(breaker.state).toBe('half-open');
    expect(breaker.waitMs()).toBeGreaterThan(0);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
  });

  it('reopens when the half-open trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 50 }, () => now);
    breaker.failed();
    now = 60;
    breaker.beginRequest();
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.waitMs()).toBe(50);
  });
});

describe('back-off with full jitter', () => {
  it('grows exponentially up to the maximum, drawing uniformly below the ceiling', () => {
    const settings = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(settings, attempt, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(settings, 3, () => 0)).toBe(0);
  });
});
