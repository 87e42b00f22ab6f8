import type { BusinessClock } from './BusinessClock.js';
import type { ChannelProfile } from './channelMix.js';
import type { OrderIds } from './orderIds.js';
import type { OrderScript } from './OrderScript.js';
import type { Prng } from './Prng.js';

/** What every step of one order's lifecycle works with. */
export interface OrderContext {
  readonly prng: Prng;
  readonly clock: BusinessClock;
  readonly ids: OrderIds;
  readonly profile: ChannelProfile;
  readonly script: OrderScript;
  readonly soldTo: string;
  readonly warehouse: string;
  /** How the ERP, the warehouse and the carrier name the order once the ERP accepted it. */
  readonly erpRef: string;
}
