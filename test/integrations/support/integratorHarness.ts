import { afterEach } from 'vitest';
import type pg from 'pg';
import type { EventStore } from '../../../src/eventstore/EventStore.js';
import { createIntegratorSupervisor, type IntegratorSupervisor } from '../../../src/integrations/createIntegratorSupervisor.js';
import { integratorConfigSchema, type IntegratorConfigInput } from '../../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../../src/integrations/IntegratorRepository.js';
import type { Logger } from '../../../src/logger.js';
import { createLogger } from '../../../src/logger.js';
import { testSecrets } from '../../support/testSecrets.js';

export const testSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let counter = 0;

/**
 * Creates an integrator that starts at the current end of the log, with tiny
 * back-offs, and a supervisor polling every 50 ms. Everything is stopped
 * and deleted after the test.
 */
export function integratorHarness(pool: pg.Pool, store: EventStore) {
  const integrators = new IntegratorRepository(pool, testSecrets);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  return {
    integrators,
    async create(input: Partial<IntegratorConfigInput> & { url: string }): Promise<string> {
      const name = input.name ?? `hook-${++counter}`;
      const config = integratorConfigSchema.parse({
        name, secret: testSecret, maxAttempts: 3, timeoutMs: 3000,
        backoff: { baseMs: 5, maxMs: 20 }, breaker: { failureThreshold: 50, openMs: 20 },
        ...input,
      });
      await integrators.upsert(config, 'api', await store.headPosition());
      cleanups.push(async () => void (await integrators.remove(name)));
      return name;
    },
    supervisor(options: { logger?: Logger; pollMs?: number } = {}): IntegratorSupervisor {
      const supervisor = createIntegratorSupervisor({ pool, secrets: testSecrets, store, logger: options.logger ?? createLogger('silent'), pollMs: options.pollMs ?? 50 });
      cleanups.push(() => supervisor.stop());
      return supervisor;
    },
  };
}
