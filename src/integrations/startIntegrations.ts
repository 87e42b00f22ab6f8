import type pg from 'pg';
import type { SecretBox } from './SecretBox.js';
import { IntegratorRepository } from './IntegratorRepository.js';
import type { EventStore } from '../eventstore/EventStore.js';
import type { Logger } from '../logger.js';
import { createIntegratorSupervisor, type IntegratorSupervisor } from './createIntegratorSupervisor.js';
import type { Fetch } from './deliverWebhook.js';
import { syncIntegratorsFile } from './syncIntegratorsFile.js';

export interface IntegrationsDeps {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly logger: Logger;
  /** Seals integrator secrets at rest (docs/secrets.md). */
  readonly secrets: SecretBox;
  /** `LEDGER_INTEGRATORS_FILE`, loaded into the integrator table before delivery starts. */
  readonly integratorsFile?: string | undefined;
  readonly fetch?: Fetch;
}

export interface Integrations {
  readonly supervisor: IntegratorSupervisor;
  /** Stops delivery (in-flight requests aborted, checkpoints flushed). Call after the HTTP app closed. */
  stop(): Promise<void>;
}

/** Everything the integrations area adds to a running service, wired from its ports. */
export async function startIntegrations(deps: IntegrationsDeps): Promise<Integrations> {
  const resealed = await new IntegratorRepository(deps.pool, deps.secrets).resealSecrets();
  if (resealed > 0) deps.logger.info(`sealed ${resealed} integrator secret(s) with key ${deps.secrets.currentKeyId}`);
  if (deps.integratorsFile) {
    const names = await syncIntegratorsFile(deps.pool, deps.integratorsFile, deps.secrets);
    deps.logger.info({ file: deps.integratorsFile, integrators: names }, 'integrators loaded from file');
  }
  const supervisor = createIntegratorSupervisor({ pool: deps.pool, secrets: deps.secrets, store: deps.store, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  await supervisor.start();
  return {
    supervisor,
    stop: () => supervisor.stop(),
  };
}
