import { pino, type Logger } from 'pino';

/**
 * Paths pino blanks wherever they appear, so a secret never reaches a log line
 * even when a request or an error object is logged whole.
 */
export const redactedPaths = [
  'authorization',
  'password',
  'secret',
  'apiKey',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'order-ledger' } },
    destination ?? process.stdout,
  );
}

export type { Logger };
