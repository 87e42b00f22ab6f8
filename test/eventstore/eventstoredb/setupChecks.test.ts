import { AccessDeniedError, UnavailableError } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { EventStoreSetupError } from '../../../src/eventstore/EventStoreSetupError.js';
import { parseConnectionString, type ParsedConnectionString } from '../../../src/eventstore/eventstoredb/connectionString.js';
import { createEventStoreDbEventStore } from '../../../src/eventstore/eventstoredb/EventStoreDbEventStore.js';
import { describeStoreFailure, isTransient } from '../../../src/eventstore/eventstoredb/storeErrors.js';
import { freePort } from '../../../src/postgres/freePort.js';

function target(text: string): ParsedConnectionString {
  const parsed = parseConnectionString(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

describe('start-up checks of a KurrentDB store', () => {
  it('stops with a message naming the server and the tls setting when nothing answers', async () => {
    const port = await freePort();
    const store = createEventStoreDbEventStore({ connectionString: `kurrentdb://127.0.0.1:${port}?tls=false` });
    try {
      const error = await store.checkSetup().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreSetupError);
      expect((error as Error).message).toMatch(new RegExp(`KurrentDB at kurrentdb://127.0.0.1:${port} \\(no TLS\\) did not answer to read \\$all`));
      expect((error as Error).message).toMatch(/a secure server needs TLS/);
    } finally {
      await store.close();
    }
  });

  it('refuses at once a CA file that does not exist', () => {
    expect(() => createEventStoreDbEventStore({ connectionString: 'kurrentdb://db:2113?tlsCAFile=/nonexistent/ca.crt' }))
      .toThrow(/a certificate file named in the connection string does not exist/);
    expect(() => createEventStoreDbEventStore({ connectionString: 'kurrentdb://db?tls=maybe' })).toThrow(EventStoreSetupError);
  });

  it('says which permission to grant, or that credentials are missing, when the server refuses', () => {
    const denied = new AccessDeniedError({ message: 'Access denied', code: 7 } as never);
    expect(describeStoreFailure(denied, target('kurrentdb://ledger:pw@db:2113'), 'read $all'))
      .toMatch(/refused user ledger to read \$all: make it a member of \$admins, or grant .*\$r in the metadata of \$\$\$all/);
    expect(describeStoreFailure(denied, target('kurrentdb://db:2113'), 'read $all')).toMatch(/without credentials: put user:password@ in EVENTSTORE_CONNECTION_STRING/);
  });

  it('points at tlsCAFile when the TLS handshake fails', () => {
    const untrusted = new UnavailableError({ message: '14 UNAVAILABLE: self-signed certificate in certificate chain', code: 14 } as never);
    expect(describeStoreFailure(untrusted, target('kurrentdb://db:2113'), 'read $all')).toMatch(/TLS with KurrentDB at kurrentdb:\/\/db:2113 \(TLS\) failed .*tlsCAFile=/);
    expect(isTransient(untrusted)).toBe(true);
    expect(isTransient(new Error('boom'))).toBe(false);
  });
});
