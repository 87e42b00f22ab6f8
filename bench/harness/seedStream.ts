import { orderLineEvent } from './payload.js';
import { eventsPerStream } from './plan.js';
import type { AppendTargetFactory } from './targets.js';

/** Writes one `eventsPerStream`-event stream, an event per append as in service; returns its name. */
export async function seedStream(open: AppendTargetFactory, tag: string): Promise<string> {
  const stream = `order-${tag}-read`;
  const target = await open(1);
  try {
    for (let revision = 0; revision < eventsPerStream; revision += 1) {
      await target.append(stream, revision, [orderLineEvent(stream, revision)]);
    }
  } finally {
    await target.close();
  }
  return stream;
}
