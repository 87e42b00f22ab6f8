/** The period and segment a summary is asked for; days are UTC dates, inclusive. */
export interface SummaryQuery {
  readonly from: string;
  readonly to: string;
  readonly soldTo?: string | undefined;
  readonly warehouse?: string | undefined;
  readonly channel?: string | undefined;
  /** Money figures are in this currency; by default the one most of the open backlog is in. */
  readonly currency?: string | undefined;
}

/** `$1…$5` of every summary query: the period, then the segment. */
export function summaryParams(q: SummaryQuery): unknown[] {
  return [q.from, q.to, q.soldTo ?? null, q.warehouse ?? null, q.channel ?? null];
}
