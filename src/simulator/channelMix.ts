import type { SourceSystemKind } from '../domain/sourceSystems.js';

export type SalesChannel = 'ECOMMERCE' | 'MARKETPLACE' | 'INSIDE_SALES' | 'FIELD_SALES' | 'EDI';

/** One sales channel of docs/domain.md §6 and how its orders reach the ledger. */
export interface ChannelProfile {
  readonly channel: SalesChannel;
  /** The system that submits its orders (and owns OrderReceived). */
  readonly system: SourceSystemKind;
  /** Share of orders. */
  readonly share: number;
  /** Mean lines per order the profile aims at (docs/domain.md §6). */
  readonly meanLines: number;
  /**
   * Lognormal lines per order. Tuned so each channel hits its mean and the
   * mixture has median 2, p90 ≈ 8–9, p99 ≈ 38 and mean ≈ 4.2: with the
   * channel means fixed, a p90 of 10 would push the mean above 4.5.
   */
  readonly median: number;
  readonly sigma: number;
}

export const channelMix: readonly ChannelProfile[] = [
  { channel: 'ECOMMERCE', system: 'ECOMMERCE', share: 0.4, meanLines: 2.5, median: 1.5, sigma: 1.0 },
  { channel: 'MARKETPLACE', system: 'ECOMMERCE', share: 0.15, meanLines: 1.5, median: 1.2, sigma: 0.55 },
  { channel: 'INSIDE_SALES', system: 'CRM', share: 0.25, meanLines: 4, median: 2.3, sigma: 1.05 },
  { channel: 'FIELD_SALES', system: 'CRM', share: 0.12, meanLines: 6, median: 3.2, sigma: 1.15 },
  { channel: 'EDI', system: 'EDI', share: 0.08, meanLines: 15, median: 5, sigma: 1.5 },
];

export const maxLinesPerOrder = 500;
