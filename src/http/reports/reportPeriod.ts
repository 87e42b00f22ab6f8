import { problem, type Problem } from '../problem.js';

const dayMs = 86_400_000;

/** The requested days, the last 30 by default; undefined when `from` is after `to` or the span exceeds 366 days. */
export function daysOf(query: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } | undefined {
  const to = query.to ?? new Date().toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * dayMs).toISOString().slice(0, 10);
  return from <= to && Date.parse(to) - Date.parse(from) < 366 * dayMs ? { from, to } : undefined;
}

export function badRange(): Problem {
  return problem('INVALID_DATE_RANGE', {
    detail: '"from" must be on or before "to", at most 366 days apart.',
    errors: [{ path: 'querystring.from', message: 'must be on or before to, at most 366 days earlier' }],
  });
}
