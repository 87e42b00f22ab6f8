import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readIntegratorsFile } from '../../src/integrations/integratorConfig.js';
import { tempPath } from '../support/tempFile.js';
import { testSecret } from './support/integratorHarness.js';

describe('the integrators file', () => {
  it('reads integrators with their defaults: stop on failure, CloudEvent bodies', async () => {
    const file = await tempPath('integrators.json');
    await writeFile(file, JSON.stringify({ integrators: [{ name: 'crm', url: 'https://crm.example/hooks', secret: testSecret, types: ['ShipmentConfirmed'] }] }));
    expect(await readIntegratorsFile(file)).toEqual([{
      name: 'crm', url: 'https://crm.example/hooks', secret: testSecret, types: ['ShipmentConfirmed'], preset: 'cloudevent', maxAttempts: 8,
      backoff: { baseMs: 500, maxMs: 60_000 }, timeoutMs: 10_000, breaker: { failureThreshold: 5, openMs: 30_000 }, onFailure: 'stop',
    }]);
  });

  it('names each invalid field without echoing the secret', async () => {
    const file = await tempPath('integrators.json');
    await writeFile(file, JSON.stringify([{ name: 'crm', url: 'not a url', secret: 'whsec_short', onFailure: 'ignore' }]));
    const error = await readIntegratorsFile(file).catch((e: Error) => e);
    expect(String(error)).toMatch(/0\.url:.*0\.secret:.*0\.onFailure:/s);
    expect(String(error)).not.toContain('whsec_short');
  });

  it('refuses two integrators with one name', async () => {
    const file = await tempPath('integrators.json');
    const one = { name: 'crm', url: 'http://127.0.0.1:1/x', secret: testSecret };
    await writeFile(file, JSON.stringify([one, one]));
    await expect(readIntegratorsFile(file)).rejects.toThrow(/names "crm" twice/);
  });
});
