/**
 * The service under test, in a process of its own so the load generator does
 * not share its event loop: `startService` from the environment, then one JSON
 * line `{"address": …}` on stdout. Stops cleanly on SIGTERM (so `--cpu-prof`
 * writes its profile).
 */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService } from '../../src/main.js';

const config = loadConfig();
const service = await startService(config, createLogger(config.logLevel));
process.stdout.write(JSON.stringify({ address: service.address }) + '\n');
process.once('SIGTERM', () => {
  service.stop().then(() => process.exit(0), () => process.exit(1));
});
