import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/integrations/SecretBox.js';

/** A secrets key of the test run's own, as LEDGER_SECRETS_KEY would give one. */
export const testSecretsKey = randomBytes(32);
export const testSecrets = SecretBox.fromKeys([testSecretsKey]);
