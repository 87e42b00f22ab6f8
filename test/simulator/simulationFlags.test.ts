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

describe('the drifting CRM flags', () => {
  it('runs no CRM unless asked; any of its flags asks, with defaults for the others', () => {
    expect(parseSimulationFlags({ orders: '10', keys: 'k' }).crm).toBeUndefined();
    expect(parseSimulationFlags({ orders: '10', keys: 'k', driftingCrm: true }).crm).toEqual({ drop: 0.02, delay: 0.1, delayMs: 2000 });
    expect(parseSimulationFlags({ orders: '10', keys: 'k', crmDrop: '0.25' }).crm).toEqual({ drop: 0.25, delay: 0.1, delayMs: 2000 });
    expect(parseSimulationFlags({ orders: '10', embedded: true }, { driftingCrm: true }).crm).toEqual({ drop: 0.02, delay: 0.1, delayMs: 2000 });
  });

  it('takes shares from 0 to 1 and names the flag otherwise', () => {
    expect(() => parseSimulationFlags({ orders: '10', keys: 'k', crmDrop: '5' })).toThrow(new FlagError('--crm-drop: "5" is not a share from 0 to 1 (e.g. 0.05)'));
    expect(() => parseSimulationFlags({ orders: '10', keys: 'k', crmDelay: '' })).toThrow(/^--crm-delay: /);
    expect(() => parseSimulationFlags({ orders: '10', keys: 'k', crmDelayMs: '-1' })).toThrow(/^--crm-delay-ms: /);
  });
});
