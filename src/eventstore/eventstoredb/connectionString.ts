/**
 * What the service needs to know about an `EVENTSTORE_CONNECTION_STRING`
 * before handing it to the client: whether the client will take it, whom
 * it connects as (for stream ACLs and messages), and a description that
 * never shows the password.
 */
export interface ParsedConnectionString {
  /** The string to give the client: `esdb…://` rewritten to `kurrentdb…://` (same meaning, no deprecation warning). */
  readonly normalised: string;
  readonly discover: boolean;
  readonly hosts: readonly string[];
  readonly username: string | undefined;
  /** TLS is on unless `tls=false`. */
  readonly tls: boolean;
  readonly tlsCAFile: string | undefined;
  /** e.g. `kurrentdb://ledger@db1:2113,db2:2113 (TLS)`: for logs and error messages. */
  readonly describe: string;
}

export type ConnectionStringResult = { readonly ok: true; readonly value: ParsedConnectionString } | { readonly ok: false; readonly reason: string };

const schemes = new Map([
  ['esdb', false], ['kurrentdb', false], ['kurrent', false], ['kdb', false],
  ['esdb+discover', true], ['kurrentdb+discover', true], ['kurrent+discover', true], ['kdb+discover', true],
]);

/** The settings the client reads (it compares them case- and separator-insensitively). */
const knownSettings = new Set([
  'usercertfile', 'userkeyfile', 'maxdiscoverattempts', 'connectionname', 'defaultdeadline', 'discoveryinterval', 'gossiptimeout',
  'nodepreference', 'tls', 'tlsverifycert', 'tlscafile', 'throwonappendfailure', 'keepaliveinterval', 'keepalivetimeout',
]);
const booleanSettings = new Set(['tls', 'tlsverifycert', 'throwonappendfailure']);

const flat = (key: string): string => key.trim().toLowerCase().replace(/[_-]/g, '');

export function parseConnectionString(text: string): ConnectionStringResult {
  const scheme = /^(?<scheme>[A-Za-z0-9+.-]+):\/\//.exec(text.trim())?.groups?.scheme ?? '';
  const discover = schemes.get(scheme);
  if (discover === undefined) {
    return { ok: false, reason: `${scheme ? `unknown scheme ${scheme}://` : 'no scheme'}; use kurrentdb:// (or kurrent://, kdb://, esdb://), +discover for DNS discovery` };
  }
  const match = /^[a-z+]+:\/\/(?:(?<user>[^:@/]+):(?<password>[^@/]+)@)?(?<hosts>[^/?]+)\/?(?:\?(?<query>.*))?$/.exec(text.trim());
  if (!match?.groups) return { ok: false, reason: 'expected kurrentdb://[user:password@]host[:port][,host…][?key=value&…]' };
  const { user, password, hosts = '', query } = match.groups;
  if (password?.includes(':')) return { ok: false, reason: "URL-encode ':' in the password as %3A" };
  const hostList = hosts.split(',').map((h) => h.trim());
  const badHost = hostList.find((h) => !/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(h));
  if (badHost !== undefined) return { ok: false, reason: `not a host[:port]: ${JSON.stringify(badHost)}` };
  const settings = new Map<string, string>();
  for (const pair of query ? query.split('&') : []) {
    const [key = '', value = ''] = pair.split('=');
    const name = flat(key);
    if (!knownSettings.has(name)) return { ok: false, reason: `unknown setting ${JSON.stringify(key)} (known: tls, tlsVerifyCert, tlsCAFile, userCertFile, userKeyFile, nodePreference, defaultDeadline, …)` };
    if (value === '') return { ok: false, reason: `setting ${key} has no value` };
    if (booleanSettings.has(name) && value !== 'true' && value !== 'false') return { ok: false, reason: `${key} must be true or false` };
    settings.set(name, decodeURIComponent(value));
  }
  if (settings.has('usercertfile') !== settings.has('userkeyfile')) return { ok: false, reason: 'userCertFile and userKeyFile go together' };
  const tls = settings.get('tls') !== 'false';
  const canonical = scheme.replace(/^esdb/, 'kurrentdb');
  const username = user === undefined ? undefined : decodeURIComponent(user);
  return {
    ok: true,
    value: {
      normalised: `${canonical}${text.trim().slice(scheme.length)}`,
      discover,
      hosts: hostList,
      username,
      tls,
      tlsCAFile: settings.get('tlscafile'),
      describe: `${canonical}://${username ? `${username}@` : ''}${hostList.join(',')} (${tls ? 'TLS' : 'no TLS'})`,
    },
  };
}
