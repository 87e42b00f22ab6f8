import { z } from 'zod';

const rate = z.number().nullable().describe('A fraction 0–1, 4 decimals; null when nothing was measured.');
const money = z.number().describe('In `currency`, rounded to cents after summing.');
const totals = { lines: z.number().int(), openValue: money, pastDueLines: z.number().int(), pastDueValue: money };
const atRisk = (item: z.ZodObject) => z.object({
  count: z.number().int(), valueAtRisk: money,
  byCode: z.array(z.object({ code: z.string().describe('Exception code or SLA rule.'), count: z.number().int(), valueAtRisk: money })),
  top: z.array(item).describe('The ten with the highest value at risk.'),
});

export const summaryQuerySchema = z.object({
  from: z.iso.date().optional().describe('First UTC day of the period (default: 29 days before `to`).'),
  to: z.iso.date().optional().describe('Last UTC day of the period, inclusive (default: today).'),
  soldTo: z.string().min(1).optional().describe('Only this customer (sold-to account).'),
  warehouse: z.string().min(1).optional().describe('Only lines shipped from this warehouse.'),
  channel: z.string().min(1).optional().describe('Only this sales channel.'),
  currency: z.string().length(3).optional().describe('Currency of the money figures (default: the one most orders are in).'),
});

export const summarySchema = z.object({
  period: z.object({ from: z.iso.date(), to: z.iso.date() }),
  filters: z.object({ soldTo: z.string().nullable(), warehouse: z.string().nullable(), channel: z.string().nullable() }),
  currency: z.string(),
  currencies: z.array(z.string()).describe('Every currency the ledger has orders in; money figures cover `currency` only.'),
  generatedAt: z.iso.datetime(),
  freshness: z.object({
    eventsBehind: z.number().int().describe('Events the read models have not applied yet (summed over projections).'),
    lagSeconds: z.number().int().describe('Age of the oldest unapplied event, seconds.'),
  }),
  orders: z.object({
    received: z.number().int().describe('Distinct orders received in the period.'),
    accepted: z.number().int(),
    delivered: z.number().int().describe('Of those, fully delivered.'),
    shipped: z.number().int().describe('Distinct orders with a line first shipped in the period.'),
    acceptanceLatencySeconds: z.object({ p50: z.number().int().nullable(), p95: z.number().int().nullable() }),
    cycleTimeSeconds: z.object({ p50: z.number().int().nullable(), p90: z.number().int().nullable() }),
  }),
  fillRate: z.object({
    lines: z.number().int(), linesFilled: z.number().int(), units: z.number(), unitsFilled: z.number(),
    orders: z.number().int(), ordersFilled: z.number().int(),
    lineFillRate: rate.describe('Line-weighted: lines filled by the first shipment ÷ lines.'),
    unitFillRate: rate.describe('Unit-weighted: Σ first-shipment quantity (capped at net) ÷ Σ net.'),
    orderFillRate: rate.describe('Orders whose every selected line was filled first time ÷ orders.'),
  }),
  otif: z.object({ lines: z.number().int(), orders: z.number().int(), lineRate: rate, orderRate: rate, includesEstimates: z.boolean() }),
  daily: z.array(z.object({
    day: z.iso.date(), lines: z.number().int(), orders: z.number().int(), lineFillRate: rate, unitFillRate: rate,
    orderFillRate: rate, lineOtifRate: rate, orderOtifRate: rate,
  })).describe('The same fill-rate and OTIF figures per day of first shipment.'),
  backlog: z.object({
    ...totals,
    byStage: z.array(z.object({ stage: z.string(), ...totals })),
    byAge: z.array(z.object({ ageBucket: z.string().describe('Days since acceptance: 0-2, 3-7, 8-14, 15-30, >30.'), ...totals })),
    cells: z.array(z.object({ stage: z.string(), ageBucket: z.string(), ...totals })),
  }).describe('Open demand as of now (not limited to the period).'),
  exceptions: atRisk(z.object({
    exceptionId: z.string(), orderKey: z.string(), code: z.string().nullable(), valueAtRisk: money, currency: z.string().nullable(),
    soldTo: z.string().nullable(), lineNos: z.array(z.number().int()), raisedAt: z.string().nullable(),
  })).describe('Open exceptions as of now.'),
  slaBreaches: atRisk(z.object({
    rule: z.string(), orderKey: z.string(), lineNo: z.number().int().nullable(), soldTo: z.string().nullable(), since: z.string(),
    ageSeconds: z.number().int().nullable(), valueAtRisk: money, currency: z.string().nullable(), detail: z.string().nullable(),
  })).describe('Stuck orders as of now (rules in reporting.sla_rules).'),
});
