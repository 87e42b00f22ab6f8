import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../../src/eventstore/eventstoredb/connectionString.js';
import { loadConfig } from '../../../src/config.js';

describe('KurrentDB connection strings', () => {
  it('accepts every scheme the client takes and rewrites esdb to kurrentdb so the client warns about nothing', () => {
    for (const [text, normalised, discover] of [
      ['kurrentdb://db:2113?tls=false', 'kurrentdb://db:2113?tls=false', false],
      ['kurrent://db', 'kurrent://db', false],
      ['kdb+discover://cluster.local:2113', 'kdb+discover://cluster.local:2113', true],
      ['esdb://admin:changeit@db:2113', 'kurrentdb://admin:changeit@db:2113', false],
      ['esdb+discover://db', 'kurrentdb+discover://db', true],
    ] as const) {
      const parsed = parseConnectionString(text);
      expect(parsed.ok, text).toBe(true);
      if (parsed.ok) expect([parsed.value.normalised, parsed.value.discover]).toEqual([normalised, discover]);
    }
  });

  it('names the user, the hosts and TLS without ever showing the password', () => {
    const parsed = parseConnectionString('kurrentdb://ledger:s%40cret@db1:2113,db2:2113?tlsCAFile=%2Fetc%2Fledger%2Fca.crt&nodePreference=leader');
    expect(parsed).toMatchObject({ ok: true, value: { username: 'ledger', hosts: ['db1:2113', 'db2:2113'], tls: true, tlsCAFile: '/etc/ledger/ca.crt' } });
    if (parsed.ok) expect(parsed.value.describe).toBe('kurrentdb://ledger@db1:2113,db2:2113 (TLS)');
    if (parsed.ok) expect(parsed.value.describe).not.toContain('cret');
  });

  it('treats tls=false as a plain connection and settings case-insensitively, as the client does', () => {
    const parsed = parseConnectionString('kurrentdb://localhost:2113?TLS=false&tls_verify_cert=false');
    expect(parsed).toMatchObject({ ok: true, value: { tls: false, username: undefined } });
  });

  it('refuses what the client would refuse or silently ignore, saying why', () => {
    for (const [text, reason] of [
      ['postgres://db/ledger', /unknown scheme postgres/],
      ['kurrentdb://', /expected kurrentdb:\/\//],
      ['kurrentdb://db?tlsCaFil=/x', /unknown setting "tlsCaFil"/],
      ['kurrentdb://db?tls=yes', /tls must be true or false/],
      ['kurrentdb://db?userCertFile=/a.crt', /userCertFile and userKeyFile go together/],
      ['kurrentdb://user:pa:ss@db', /URL-encode ':'/],
      ['kurrentdb://db:21x3', /not a host\[:port\]/],
    ] as const) {
      const parsed = parseConnectionString(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    }
  });

  it('makes the configuration refuse a string the adapter could not use, at start-up', () => {
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'kurrentdb://db?tls=maybe' })).toThrow(/EVENTSTORE_CONNECTION_STRING: not a KurrentDB connection string: tls must be true or false/);
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: 'kurrentdb://db:2113?tls=false' }).eventStoreConnectionString).toBe('kurrentdb://db:2113?tls=false');
  });
});
