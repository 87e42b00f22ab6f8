import type pg from 'pg';
import type { SecretBox } from './SecretBox.js';
import { IntegratorRepository } from './IntegratorRepository.js';
import { readIntegratorsFile } from './integratorConfig.js';

/**
 * Loads `LEDGER_INTEGRATORS_FILE` into `integration.integrators` at start:
 * each entry is created or updated (checkpoints and run state are kept), so
 * the table stays the one source the supervisor, the API and the CLI share.
 */
export async function syncIntegratorsFile(pool: pg.Pool, file: string, secrets: SecretBox): Promise<string[]> {
  const configs = await readIntegratorsFile(file);
  const repository = new IntegratorRepository(pool, secrets);
  for (const config of configs) await repository.upsert(config, 'file');
  return configs.map((c) => c.name);
}
