/**
 * The service process the reconcile bench measures: the real service
 * (`startService`, projections off: the read models are already built) on
 * DATABASE_URL. Prints `{url, key}` once listening; on the line `stats`
 * prints its memory — current and peak RSS, and the heap high-water since
 * the last `stats` (sampled every 20 ms) — and on `stop` stops.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService } from '../../src/main.js';

const service = await startService(loadConfig({ ...process.env, PORT: '0', LEDGER_PROJECTIONS: 'off' }), createLogger('silent'), { bootstrapKeys: false });
const { key } = await service.keys.create({ system: 'CRM', scopes: ['submit', 'read'], actor: 'bench' });
let heapHigh = process.memoryUsage().heapUsed;
setInterval(() => {
  heapHigh = Math.max(heapHigh, process.memoryUsage().heapUsed);
}, 20).unref();
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
say({ url: service.address, key });
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') {
    const memory = process.memoryUsage();
    say({ rss: memory.rss, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: memory.heapUsed, heapHigh: Math.max(heapHigh, memory.heapUsed) });
    heapHigh = memory.heapUsed;
  }
  if (line === 'stop') void service.stop().then(() => process.exit(0));
});
