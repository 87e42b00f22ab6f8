import { AccessDeniedError, DeadlineExceededError, TimeoutError, UnavailableError } from '@kurrent/kurrentdb-client';
import type { ParsedConnectionString } from './connectionString.js';

const grpcDeadlineExceeded = 4;
const grpcUnavailable = 14;

/** A failure after which a write may or may not have happened (the server or the network did not answer in time). */
export function isTransient(error: unknown): boolean {
  if (error instanceof DeadlineExceededError || error instanceof TimeoutError || error instanceof UnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === grpcDeadlineExceeded || code === grpcUnavailable;
}

/**
 * What an operator must change when the store refused or could not be
 * reached, in words that name the setting. `action` says what was tried
 * (e.g. "read $all").
 */
export function describeStoreFailure(error: unknown, target: ParsedConnectionString, action: string): string {
  const message = (error as Error | null)?.message ?? String(error);
  const where = `KurrentDB at ${target.describe}`;
  if (error instanceof AccessDeniedError || /access denied|unauthenticated|permission/i.test(message)) {
    if (!target.username) return `${where} refused to ${action} without credentials: put user:password@ in EVENTSTORE_CONNECTION_STRING`;
    if (/unauthenticated|bad credentials|authentication/i.test(message)) return `${where} did not accept the credentials of user ${target.username}: check the user and its password`;
    return `${where} refused user ${target.username} to ${action}: make it a member of $admins, or grant it the permission in the stream's ACL ` +
      '(for $all: $r in the metadata of $$$all; for the ledger\'s streams: $r, $w and $mw in $userStreamAcl of $settings)';
  }
  if (/file was not found/i.test(message)) return `${where}: a certificate file named in the connection string does not exist (${message})`;
  if (/certificate|self[- ]signed|ssl|tls|handshake|alert/i.test(message)) {
    return `TLS with ${where} failed (${message}): give the CA that signed the server's certificate with tlsCAFile=/path/to/ca.crt, ` +
      'or tls=false for a server started with --insecure';
  }
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError || isTransient(error)) {
    return `${where} did not answer to ${action} (${message}): is it running and reachable, and does tls= match the server ` +
      `(${target.tls ? 'this string uses TLS; a server started with --insecure needs tls=false' : 'this string has tls=false; a secure server needs TLS'})?`;
  }
  return `${where} failed to ${action}: ${message}`;
}
