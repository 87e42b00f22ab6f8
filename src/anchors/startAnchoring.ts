import type pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { AnchorDirectory } from './AnchorDirectory.js';
import { loadSigningKey } from './anchorKey.js';
import { AnchorWriter } from './AnchorWriter.js';

export interface Anchoring {
  readonly writer: AnchorWriter | undefined;
  stop(): Promise<void>;
}

/**
 * Anchors the PostgreSQL log every `intervalSeconds` (none when 0, or when
 * the log is in EventStoreDB, whose anchoring is not covered).
 */
export async function startAnchoring(pool: pg.Pool, config: Config, logger: Logger): Promise<Anchoring> {
  const { anchors } = config;
  if (config.eventStoreConnectionString) {
    logger.warn('anchors cover the PostgreSQL event log only; none are written while the log is in EventStoreDB');
    return { writer: undefined, stop: async () => undefined };
  }
  const writer = await createAnchorWriter(pool, config, (m) => logger.warn(m));
  if (anchors.intervalSeconds === 0) return { writer, stop: async () => undefined };
  let inFlight: Promise<unknown> = Promise.resolve();
  const tick = () => {
    inFlight = writer.anchorNow().then(
      (outcome) => {
        if (outcome.written) logger.info({ anchor: outcome.record.seq, position: outcome.record.position, root: outcome.record.root }, `anchor ${outcome.record.seq} written to ${anchors.dir}`);
        else if (!/^nothing appended|^the log is empty/.test(outcome.reason)) logger.error(`no anchor written: ${outcome.reason}`);
      },
      (error: Error) => logger.error({ err: error }, 'anchoring failed'),
    );
  };
  const timer = setInterval(tick, anchors.intervalSeconds * 1000);
  timer.unref();
  logger.info(`anchoring the log every ${anchors.intervalSeconds} s to ${anchors.dir}`);
  return {
    writer,
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

export async function createAnchorWriter(pool: pg.Pool, config: Config, log: (message: string) => void): Promise<AnchorWriter> {
  const key = await loadSigningKey(config.anchors.keyFile);
  return new AnchorWriter({ pool, directory: new AnchorDirectory(config.anchors.dir), key, webhookUrl: config.anchors.webhookUrl, log });
}
