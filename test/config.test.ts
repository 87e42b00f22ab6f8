import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { settingsHelp } from '../src/cli/settingsHelp.js';
import { ConfigError, configSchema, loadConfig, loadTracingConfig } from '../src/config.js';
import { tracingWanted } from '../src/observability/tracing.js';

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:3000 and the embedded database', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.apiKeysRefreshMs).toBe(1000);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('names the variable and the reason for a bad value', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.map((p) => p.variable).sort();
      expect(problems).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
      expect((error as Error).message).toMatch(/PORT: .+/);
      expect((error as Error).message).toMatch(/DATABASE_URL: must be a postgres/);
    }
  });

  it('keeps the read models up to date unless LEDGER_PROJECTIONS=off', () => {
    expect(loadConfig({}).runProjections).toBe(true);
    expect(loadConfig({ LEDGER_PROJECTIONS: 'off' }).runProjections).toBe(false);
    expect(() => loadConfig({ LEDGER_PROJECTIONS: 'no' })).toThrow(/LEDGER_PROJECTIONS: must be on or off/);
  });

  it('reads the OTEL_* settings tracing starts with, refusing what it cannot send with', () => {
    expect(loadTracingConfig({})).toEqual({ protocol: 'http/protobuf', serviceName: 'order-ledger' });
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'ledger-eu' })).toEqual({ protocol: 'http/json', serviceName: 'ledger-eu' });
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/);
    expect([tracingWanted({}), tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })]).toEqual([false, false, true]);
  });

  it('splits projections into a power of two of partitions, up to 64', () => {
    expect(loadConfig({ LEDGER_PROJECTION_PARTITIONS: '4' }).projectionPartitions).toBe(4);
    expect(() => loadConfig({ LEDGER_PROJECTION_PARTITIONS: '3' })).toThrow(/LEDGER_PROJECTION_PARTITIONS: a power of two from 1 to 64/);
    expect(() => loadConfig({ LEDGER_PROJECTION_PARTITIONS: '128' })).toThrow(/LEDGER_PROJECTION_PARTITIONS/);
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('is described in full, in the README and in serve --help, from the one schema', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const help = settingsHelp();
    for (const [name, schema] of Object.entries(configSchema.shape)) {
      expect(readme, name).toContain(`\`${name}\``);
      expect(help).toMatch(new RegExp(`^  ${name}=\\S+ +${schema.description!.slice(0, 12).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    }
  });
});
