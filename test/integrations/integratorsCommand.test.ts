import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerIntegrators } from '../../src/cli/integratorsCommand.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { testSecret } from './support/integratorHarness.js';

const db = await createTestDatabase();

describe('order-ledger integrators / parked', () => {
  const repository = new IntegratorRepository(db.pool);
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    process.env.DATABASE_URL = db.url;
    await repository.upsert(integratorConfigSchema.parse({ name: 'erp-hook', url: 'http://127.0.0.1:9/x', secret: testSecret }), 'file');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const err = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line));
    try {
      const program = new Command('order-ledger').exitOverride();
      registerIntegrators(program);
      await program.parseAsync(['node', 'order-ledger', ...args]);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    return out.join('\n');
  };

  it('pauses, lists and resumes an integrator through the database', async () => {
    expect(await run('integrators', 'pause', 'erp-hook')).toContain('erp-hook: paused');
    expect((await repository.get('erp-hook'))!.paused).toBe(true);
    const listed = await run('integrators', 'list');
    expect(listed).toMatch(/erp-hook\s+paused/);
    expect(listed).not.toContain('whsec_');
    expect(await run('integrators', 'resume', 'erp-hook')).toContain('erp-hook: running');
    expect(await run('integrators', 'reset', 'erp-hook', 'start')).toContain('checkpoint (start)');
    expect(await run('parked', 'list')).toContain('no parked events');
  });
});
