import type { HttpClient } from './HttpClient.js';

/** The fields of `GET /v1/sync` this summary prints. */
interface SystemSync {
  kind: 'integrator' | 'consumer';
  system: string;
  crm: boolean;
  state: 'in_step' | 'behind' | 'failing';
  orders: number;
  inStep: number;
  behind: number;
  failing: number;
  valueAtRisk: number;
  oldestGapSince: string | null;
  stopped: boolean;
  paused: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');
const stateText = { in_step: 'in step', behind: 'BEHIND', failing: 'FAILING' } as const;

function gap(since: string | null, now: number): string {
  if (since === null) return '';
  const minutes = Math.max(0, Math.round((now - Date.parse(since)) / 60_000));
  return `, oldest gap ${minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`}`;
}

/**
 * The sync summary as `GET /v1/sync` answers it: per downstream system (an
 * integrator the ledger delivers to, or a consumer that acknowledges what
 * it took in), in step, behind or failing, worst first by value at risk.
 */
export async function reportSync(client: HttpClient, key: string, now = Date.now()): Promise<string[]> {
  const { status, json } = await client.getEveryPage<{ currency: string; items: SystemSync[]; nextCursor: string | null }>('/v1/sync?limit=1000', key);
  if (status !== 200 || !json) return [`Sync: GET /v1/sync answered ${status}`];
  if (json.items.length === 0) return ['Sync (GET /v1/sync): no downstream system delivers to or acknowledges the ledger'];
  const width = Math.max(...json.items.map((s) => s.system.length + s.kind.length + 3));
  return [
    'Sync: does each downstream system show what the ledger knows? (GET /v1/sync, worst first by value at risk)',
    ...json.items.map((s) => {
      const flags = [s.crm ? 'CRM' : '', s.stopped ? 'stopped' : '', s.paused ? 'paused' : ''].filter(Boolean).join(', ');
      return `  ${`${s.system} (${s.kind})`.padEnd(width)}  ${stateText[s.state].padEnd(7)}  ${n(s.inStep)} of ${n(s.orders)} orders in step, ${n(s.behind)} behind, ${n(s.failing)} failing; `
        + `${n(Math.round(s.valueAtRisk))} ${json.currency} at risk${gap(s.oldestGapSince, now)}${flags ? ` [${flags}]` : ''}`;
    }),
  ];
}
