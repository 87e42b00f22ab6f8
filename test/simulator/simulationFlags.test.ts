import { describe, expect, it } from 'vitest';
import { FlagError, parseSimulationFlags } from '../../src/simulator/simulationFlags.js';

describe('the flags of simulate and demo', () => {
  it('defaults to one request per event, 32 orders at a time', () => {
    const flags = parseSimulationFlags({ orders: '100', keys: 'keys.json' });
    expect(flags).toMatchObject({ orders: 100, concurrency: 32, batch: undefined, days: 1, seed: 1, embedded: false });
  });

  it('takes --batch as the items of one POST /v1/batches', () => {
    expect(parseSimulationFlags({ orders: '100', keys: 'keys.json', batch: '50', concurrency: '4' })).toMatchObject({ batch: 50, concurrency: 4 });
  });

  it('names the flag and the reason for a bad value', () => {
    expect(() => parseSimulationFlags({ orders: '100', keys: 'keys.json', batch: '0' })).toThrow(new FlagError('--batch: "0" is not a whole number from 1 to 10,000'));
    expect(() => parseSimulationFlags({ orders: 'many', keys: 'keys.json' })).toThrow(/^--orders: "many" is not a whole number/);
    expect(() => parseSimulationFlags({ orders: '100' })).toThrow(/^--keys: required/);
    expect(() => parseSimulationFlags({ orders: '100', embedded: true, url: 'http://x' })).toThrow(/^--url: not with --embedded/);
  });
});
