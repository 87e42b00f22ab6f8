import { configSchema } from '../config.js';

/** Every setting the service reads, its default and meaning, from the one schema that validates them. */
export function settingsHelp(): string {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const entries = Object.entries(configSchema.shape).map(([name, schema]) => ({
    name, meaning: schema.description ?? '', fallback: defaults[name] === undefined ? '(unset)' : String(defaults[name]),
  }));
  const width = Math.max(...entries.map((e) => `${e.name}=${e.fallback}`.length));
  return [
    '',
    'Settings (environment variables; a bad value stops start-up naming the variable):',
    ...entries.map((e) => `  ${`${e.name}=${e.fallback}`.padEnd(width)}  ${e.meaning}`),
  ].join('\n');
}
