import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { ApiKeyFile, apiScopes, keySystems, type ApiScope, type KeySystem } from '../http/auth/apiKeyFile.js';
import { exitWith } from './exitWith.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage API keys (the key file holds hashes only)');

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
      const file = await ApiKeyFile.open(exitWith(() => loadConfig()).apiKeysFile);
      const { key, record } = await file.create({ system: system as KeySystem, scopes: scopes as ApiScope[], ...(opts.label ? { label: opts.label } : {}) });
      console.log(key);
      console.error(`created key ${record.id} for ${record.system} (${record.scopes.join(',')}) in ${file.file}; it is not shown again`);
    });

  keys
    .command('list')
    .description('list keys (ids, systems, scopes; never secrets)')
    .action(async () => {
      const file = await ApiKeyFile.open(exitWith(() => loadConfig()).apiKeysFile);
      for (const k of file.list()) console.log(`${k.id}  ${k.system.padEnd(9)}  ${k.scopes.join(',').padEnd(24)}  ${k.createdAt}  ${k.label ?? ''}`);
    });

  keys
    .command('revoke <id>')
    .description('remove a key by its id (or the key itself)')
    .action(async (id: string) => {
      const file = await ApiKeyFile.open(exitWith(() => loadConfig()).apiKeysFile);
      if (!(await file.revoke(id))) fail(`no key with id ${id} in ${file.file}`);
      console.error(`revoked ${id}`);
    });
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
