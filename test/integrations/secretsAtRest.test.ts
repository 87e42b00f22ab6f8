import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { SecretBox } from '../../src/integrations/SecretBox.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { testSecrets, testSecretsKey } from '../support/testSecrets.js';
import { integratorHarness, testSecret } from './support/integratorHarness.js';
import { anOrder } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from './support/webhookReceiver.js';

const db = await createTestDatabase();
const store: EventStore = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
afterAll(async () => store.close());
const keyPart = testSecret.slice('whsec_'.length);

async function storedSecret(name: string): Promise<string> {
  const { rows } = await db.owner.query<{ secret: string }>('SELECT secret FROM integration.integrators WHERE name = $1', [name]);
  return rows[0]!.secret;
}

describe('integrator secrets at rest', () => {
  const harness = integratorHarness(db.pool, store);
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => receiver.close());

  it('are stored sealed, with no trace of the plain text, and deliveries still verify with standardwebhooks', async () => {
    const name = await harness.create({ url: receiver.url });
    const stored = await storedSecret(name);
    expect(stored).toMatch(new RegExp(`^v1\\.${testSecrets.currentKeyId}\\.`));
    expect(stored).not.toContain(keyPart);
    expect(stored).not.toContain(Buffer.from(keyPart, 'base64').toString('hex'));
    const dump = await db.owner.query("SELECT row_to_json(i)::text AS row FROM integration.integrators i");
    expect(dump.rows.map((r) => r.row).join('\n')).not.toContain(keyPart);
    await harness.supervisor().start();
    const events = await anOrder(store, 'SEAL-1', 2);
    await waitFor('2 deliveries', () => receiver.accepted.length === 2);
    const first = receiver.received[0]!;
    const verified = new Webhook(testSecret).verify(first.body, first.headers as Record<string, string>) as { id: string };
    expect(verified.id).toBe(events[0]!.id);
  });

  it('are refused by the database in plain text', async () => {
    await expect(db.pool.query(
      `INSERT INTO integration.integrators (name, url, secret, max_attempts, backoff_base_ms, backoff_max_ms, timeout_ms, breaker_failure_threshold, breaker_open_ms)
       VALUES ('plain', 'http://127.0.0.1:9/', $1, 1, 0, 0, 1, 1, 0)`, [testSecret],
    )).rejects.toThrow(/integrators_secret_sealed/);
  });

  it('do not open when moved to another integrator, nor without their key', async () => {
    const a = await harness.create({ url: receiver.url });
    const b = await harness.create({ url: receiver.url });
    await db.owner.query('UPDATE integration.integrators SET secret = (SELECT secret FROM integration.integrators WHERE name = $1) WHERE name = $2', [a, b]);
    const repository = new IntegratorRepository(db.pool, testSecrets);
    await expect(repository.runSpec(b)).rejects.toThrow(/does not open/);
    expect((await repository.runSpec(a))!.config.secret).toBe(testSecret);
    await expect(new IntegratorRepository(db.pool, SecretBox.fromKeys([randomBytes(32)])).runSpec(a)).rejects.toThrow(/not among the configured secrets keys/);
    await harness.integrators.remove(b);
  });

  it('move to a new key by resealing with [new, old], after which the new key alone opens them; plain-text rows of before are sealed too', async () => {
    const name = await harness.create({ url: receiver.url });
    // A row written before secrets were sealed (the check is NOT VALID for those).
    await db.owner.query('ALTER TABLE integration.integrators DROP CONSTRAINT integrators_secret_sealed');
    await db.owner.query('UPDATE integration.integrators SET secret = $2 WHERE name = $1', [name, testSecret]);
    await db.owner.query("ALTER TABLE integration.integrators ADD CONSTRAINT integrators_secret_sealed CHECK (secret ~ '^v1\\.[0-9a-f]{8}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$') NOT VALID");
    const newKey = randomBytes(32);
    const rotated = SecretBox.fromKeys([newKey, testSecretsKey]);
    const resealed = await new IntegratorRepository(db.pool, rotated).resealSecrets();
    expect(resealed).toBeGreaterThanOrEqual(1);
    const onlyNew = new IntegratorRepository(db.pool, SecretBox.fromKeys([newKey]));
    for (const spec of await onlyNew.runSpecs()) expect(spec.config.secret).toBe(testSecret);
    expect(await storedSecret(name)).toMatch(new RegExp(`^v1\\.${rotated.currentKeyId}\\.`));
    await db.owner.query('ALTER TABLE integration.integrators VALIDATE CONSTRAINT integrators_secret_sealed');
    expect(await new IntegratorRepository(db.pool, rotated).resealSecrets()).toBe(0);
  });
});
