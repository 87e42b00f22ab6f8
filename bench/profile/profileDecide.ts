/**
 * The write path's own work per submission, without HTTP or the database:
 *   npx tsx bench/profile/profileDecide.ts [--orders 3000] [--rounds 3]
 *   node --cpu-prof --import tsx bench/profile/profileDecide.ts …     (where it goes)
 *   npx tsx bench/profile/profileDecide.ts --orders 400 --one-order    (how it grows with the order)
 * A tidy simulated day, each event as the service takes it: the route's body
 * schema, the envelope, the command, `decide` on the folded state, the events
 * as the log stores them (canonical text, ids) and the answer. Prints CPU
 * microseconds per submission for each round (the first warms the JIT).
 * With --one-order every order's events go to one order, which grows to
 * thousands of events (submissions it refuses are skipped), and each round
 * also prints the CPU per submission by thousand submissions decided.
 */
import { commandFromSubmission } from '../../src/domain/commandFromSubmission.js';
import { decide } from '../../src/domain/decide.js';
import { isOrderEventType } from '../../src/domain/events.js';
import { initialOrderState } from '../../src/domain/orderState.js';
import type { Position } from '../../src/eventstore/EventStore.js';
import { toEventToAppend } from '../../src/eventstore/orderEventCodec.js';
import { encodeAppend } from '../../src/eventstore/postgres/GroupCommit.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { buildEnvelope, transitionBodySchema } from '../../src/orders/submission.js';
import { acceptedBody } from '../../src/orders/SubmissionOutcome.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { noMess } from '../../src/simulator/integrationMess.js';
import { requestOf } from '../../src/simulator/SimEvent.js';

const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const orders = [...generateDay({ orders: flag('--orders', 3000), seed: 11, days: 1, start: new Date('2026-03-02T00:00:00Z'), mess: noMess })];
// Each request as the service receives it: JSON text, parsed per submission.
const requests = orders.map((order) => order.events.map((event) => {
  const { json } = requestOf(event);
  return { system: event.system, type: event.type, text: JSON.stringify({ ...json, type: event.type }) };
}));

const oneOrder = process.argv.includes('--one-order');

for (let round = 1; round <= flag('--rounds', 3); round++) {
  let submissions = 0;
  const before = process.cpuUsage();
  const byThousand: number[] = [];
  let mark = process.cpuUsage();
  let state = initialOrderState;
  let revision = -1n;
  for (const [o, order] of requests.entries()) {
    const orderKey = oneOrder ? 'one-order' : orders[o]!.orderKey;
    if (!oneOrder) {
      state = initialOrderState;
      revision = -1n;
    }
    for (const request of order) {
      const raw = JSON.parse(request.text) as Record<string, unknown>;
      delete raw.orderKey;
      const body = transitionBodySchema.parse(raw);
      if (!isOrderEventType(request.type)) throw new Error(`unknown type ${request.type}`);
      const ctx = { system: request.system, correlationId: `c-${o}-${submissions}`, receivedAt: new Date() };
      const envelope = buildEnvelope(request.type, body, ctx);
      if (!envelope.success) throw new Error(envelope.error.message);
      const command = commandFromSubmission({ type: request.type, data: body.data, envelope: envelope.data, orderKey });
      if (!command.ok) throw new Error(command.error.message);
      const decision = decide(command.command, state, undefined);
      if (!decision.ok && oneOrder) continue;
      if (!decision.ok) throw new Error(decision.error.message);
      encodeAppend(orderStreamId(orderKey), decision.events.map((e) => toEventToAppend(e, orderKey)), revision < 0n ? 'no_stream' : revision);
      revision += BigInt(decision.events.length);
      acceptedBody(orderKey, decision.events, revision, '0' as Position, decision.state);
      state = decision.state;
      submissions++;
      if (oneOrder && submissions % 1000 === 0) {
        const step = process.cpuUsage(mark);
        byThousand.push((step.user + step.system) / 1000);
        mark = process.cpuUsage();
      }
    }
  }
  const used = process.cpuUsage(before);
  console.log(`round ${round}: ${submissions} submissions, ${((used.user + used.system) / submissions).toFixed(1)} µs CPU per submission`);
  if (oneOrder) console.log(`  µs per submission, by thousand decided: ${byThousand.map((us) => us.toFixed(0)).join(' ')}`);
}
