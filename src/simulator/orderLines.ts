import type { ChannelProfile } from './channelMix.js';
import { maxLinesPerOrder } from './channelMix.js';
import type { Prng } from './Prng.js';

/** A line of a simulated order; `qty` follows changes. */
export interface SimLine {
  readonly lineNo: number;
  readonly sku: string;
  readonly uom: string;
  qty: number;
  readonly price: number;
}

export const currency = 'USD';
export const money = (amount: number) => ({ amount: Math.round(amount * 100) / 100, currency });

export function lineCount(prng: Prng, profile: ChannelProfile): number {
  return Math.min(maxLinesPerOrder, Math.max(1, Math.round(prng.lognormal(profile.median, profile.sigma))));
}

export function orderLines(prng: Prng, profile: ChannelProfile): SimLine[] {
  const count = lineCount(prng, profile);
  const bulk = profile.channel === 'EDI' ? 3 : 1.5;
  return Array.from({ length: count }, (_, i) => {
    const uom = prng.chance(0.15) ? 'CS' : 'EA';
    return {
      lineNo: i + 1,
      sku: `SKU-${String(prng.int(1, 5000)).padStart(5, '0')}`,
      uom,
      qty: Math.max(1, Math.round(prng.lognormal(uom === 'CS' ? 1.5 : bulk * 2, 0.9))),
      price: Math.max(0.5, Math.round(prng.lognormal(uom === 'CS' ? 120 : 18, 0.9) * 100) / 100),
    };
  });
}

/** The line fields every payload carries. */
export const lineRef = (line: SimLine, qty = line.qty) => ({ lineNo: line.lineNo, sku: line.sku, uom: line.uom, qty });
