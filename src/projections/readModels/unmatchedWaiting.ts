import type { ListQuery } from '../reports/keysetPage.js';

/**
 * The aliases transitions wait under, as `reporting.unmatched_waiting` shows
 * them, longest waiting first (then by alias, which is unique).
 */
export function unmatchedWaiting(): ListQuery {
  return {
    sql: `SELECT alias, transitions, source_systems, types, waiting_since, last_received_at FROM reporting.unmatched_waiting`,
    params: [],
    keys: [{ expr: 'waiting_since', type: 'timestamptz' }, { expr: 'alias', type: 'text' }],
  };
}
