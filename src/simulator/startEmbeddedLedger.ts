import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { sourceSystemKinds, type SourceSystemKind } from '../domain/sourceSystems.js';
import { createLogger } from '../logger.js';
import { startService, type Service } from '../main.js';

/** A whole service started in this process for a simulation, with a key per system. */
export interface EmbeddedLedger {
  readonly url: string;
  readonly dataDir: string;
  readonly service: Service;
  readonly keys: Record<SourceSystemKind, string>;
  /** A key with the read and audit scopes, for the reports. */
  readonly readerKey: string;
  /** A key with the admin scope, to register the drifting CRM as an integrator. */
  readonly adminKey: string;
  stop(): Promise<void>;
}

/**
 * Starts `startService` on a free port with a fresh data folder under the OS
 * temp folder (its own embedded PostgreSQL unless `databaseUrl`). The service
 * bootstraps no keys and prints nothing; the simulator's keys are made here.
 */
export async function startEmbeddedLedger(options: { databaseUrl?: string | undefined; logLevel?: string } = {}): Promise<EmbeddedLedger> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'order-ledger-sim-'));
  // mkdtemp makes it 0700; the embedded PostgreSQL runs as another user when we are root.
  await chmod(dataDir, 0o755);
  const config = loadConfig({
    LEDGER_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: options.logLevel ?? 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  let service: Service;
  try {
    service = await startService(config, createLogger(config.logLevel), { bootstrapKeys: false });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const actor = 'simulator';
  const keys = {} as Record<SourceSystemKind, string>;
  for (const system of sourceSystemKinds) keys[system] = (await service.keys.create({ system, scopes: ['submit', 'read'], label: 'simulator', actor })).key;
  const readerKey = (await service.keys.create({ system: 'ADMIN', scopes: ['read', 'audit'], label: 'simulator reports', actor })).key;
  const adminKey = (await service.keys.create({ system: 'ADMIN', scopes: ['admin', 'read'], label: 'simulator integrators', actor })).key;
  return {
    url: service.address, dataDir, service, keys, readerKey, adminKey,
    async stop() {
      // On a shared DATABASE_URL the simulator's keys must not outlive it.
      for (const key of [...Object.values(keys), readerKey, adminKey]) await service.keys.revoke(key, actor);
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
