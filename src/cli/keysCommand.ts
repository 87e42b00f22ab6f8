import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { apiScopes, keySystems, type ApiScope, type KeySystem } from '../http/auth/apiKeyFormat.js';
import { ApiKeyStore } from '../http/auth/ApiKeyStore.js';
import { openDatabase } from '../postgres/openDatabase.js';
import { CliError } from './CliError.js';
import { exitWith } from './exitWith.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage API keys (the database holds hashes only; running instances follow within LEDGER_API_KEYS_REFRESH_MS)');

  keys
    .command('create')
    .description('create a key bound to one system and print it once')
    .requiredOption('--system <system>', `one of ${keySystems.join(', ')}`)
    .requiredOption('--scopes <scopes>', `comma-separated: ${apiScopes.join(', ')}`)
    .option('--label <label>', 'a note to tell keys apart')
    .action(async (opts: { system: string; scopes: string; label?: string }) => {
      const system = opts.system.toUpperCase();
      if (!(keySystems as readonly string[]).includes(system)) fail(`--system: "${opts.system}" is not one of ${keySystems.join(', ')}`);
      const scopes = opts.scopes.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = scopes.filter((s) => !(apiScopes as readonly string[]).includes(s));
      if (scopes.length === 0 || unknown.length > 0) fail(`--scopes: unknown scope(s) ${unknown.join(', ') || '(none given)'}; use ${apiScopes.join(', ')}`);
      await withKeys(async (store) => {
        const { key, record } = await store.create({ system: system as KeySystem, scopes: scopes as ApiScope[], label: opts.label, actor: cliActor() });
        console.log(key);
        console.error(`created key ${record.id} for ${record.system} (${record.scopes.join(',')}); it is not shown again`);
      });
    });

  keys
    .command('list')
    .description('list keys (ids, systems, scopes, revocations; never secrets)')
    .action(() => withKeys(async (store) => {
      for (const k of await store.list()) {
        console.log(`${k.id}  ${k.system.padEnd(9)}  ${k.scopes.join(',').padEnd(24)}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.label ?? ''}`);
      }
    }));

  keys
    .command('revoke <id>')
    .description('revoke a key by its id (or the key itself)')
    .action((id: string) => withKeys(async (store) => {
      if (!(await store.revoke(id, cliActor()))) fail(`no active key with id ${id}`);
      console.error(`revoked ${id}; running instances refuse it within ${loadConfig().apiKeysRefreshMs} ms`);
    }));

  keys
    .command('log')
    .description('every act on a key: who created, imported or revoked it, and when')
    .action(() => withKeys(async (store) => {
      for (const a of await store.acts()) console.log(`${a.at}  ${a.act.padEnd(8)}  ${a.keyId}  ${a.actor}`);
    }));
}

async function withKeys(work: (store: ApiKeyStore) => Promise<void>): Promise<void> {
  const config = exitWith(() => loadConfig());
  const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir });
  try {
    await work(await ApiKeyStore.open(database.pool));
  } finally {
    await database.close();
  }
}

function cliActor(): string {
  return `cli:${userInfo().username}`;
}

function fail(message: string): never {
  throw new CliError(message);
}
