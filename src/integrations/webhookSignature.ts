import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/, spec §
 * "Signature scheme"): the secret is `whsec_` + base64 key bytes; the
 * signature is base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` with the
 * key, sent as `v1,<signature>`.
 */
export const webhookSecretPattern = /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): WebhookHeaders {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

/** A fresh secret with a 24-byte key (the specification asks for 24 to 64 bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
