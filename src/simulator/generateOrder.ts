import type { BusinessClock } from './BusinessClock.js';
import { channelMix, type ChannelProfile } from './channelMix.js';
import { integrationMess, type MessRates } from './integrationMess.js';
import { orderClosing } from './orderClosing.js';
import type { OrderContext } from './OrderContext.js';
import { orderFulfilment } from './orderFulfilment.js';
import { orderIds } from './orderIds.js';
import { orderLines } from './orderLines.js';
import { orderOpening } from './orderOpening.js';
import { OrderScript } from './OrderScript.js';
import { Prng } from './Prng.js';
import type { SimEvent, SimOrder } from './SimEvent.js';

export interface OrderInput {
  readonly seed: number;
  readonly index: number;
  readonly receivedAt: number;
  readonly clock: BusinessClock;
  readonly mess: MessRates;
  /** Facts after this business time have not happened yet and are left out. */
  readonly cutoff?: number | undefined;
}

/** One order's whole life, from its own PRNG stream: a pure function of seed and index. */
export function generateOrder(input: OrderInput): SimOrder {
  const prng = new Prng(input.seed, input.index);
  const profile = pickChannel(prng.next());
  const ids = orderIds(input.seed, input.index);
  const soldTo = profile.channel === 'EDI' ? `EDI-${String(prng.int(1, 40)).padStart(3, '0')}` : `C-${String(prng.int(1, 3000)).padStart(5, '0')}`;
  const ctx: OrderContext = {
    prng, clock: input.clock, ids, profile, soldTo,
    script: new OrderScript(ids.orderKey),
    warehouse: prng.pick(['DC-EAST', 'DC-CENTRAL', 'DC-WEST']),
    erpRef: `erp:${ids.erpNumber}`,
  };
  const lines = orderLines(prng, profile);
  const { live, readyAt } = orderOpening(ctx, lines, input.receivedAt);
  const shipped = live.length > 0 ? orderFulfilment(ctx, live, readyAt) : [];
  orderClosing(ctx, shipped, live.length === 0, readyAt);
  const messy = integrationMess(prng, ids, ctx.script.inSendingOrder(), input.mess);
  const events: SimEvent[] = messy
    .filter((e) => input.cutoff === undefined || e.at <= input.cutoff)
    .map(({ at: _at, ...event }) => event);
  return { orderKey: ids.orderKey, channel: profile.channel, lineCount: lines.length, events };
}

function pickChannel(u: number): ChannelProfile {
  let acc = 0;
  for (const profile of channelMix) {
    acc += profile.share;
    if (u < acc) return profile;
  }
  return channelMix.at(-1)!;
}
