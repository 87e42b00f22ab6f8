import { SingleBar } from 'cli-progress';

/** Progress of one long task: drawn in place on a terminal, silent otherwise. */
export interface ProgressBar {
  /** `done` so far, of `total` when known (it may be an estimate that grows); `detail` follows the figures. */
  update(done: number, total?: number, detail?: string): void;
  /** Draws the last state and ends the line. */
  stop(): void;
}

const width = 24;

/**
 * The one progress display of the CLI (simulate, rebuild, verify), drawn by
 * `cli-progress`. Output that is not a terminal (a file, a pipe, CI) gets
 * nothing: the commands print their result lines anyway, and a log full of
 * redraws helps nobody.
 */
export function progressBar(stream: NodeJS.WriteStream, label: string, unit: string): ProgressBar {
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const started = performance.now();
  let known = false;
  let detail = '';
  const bar = new SingleBar({
    stream, fps: 5, hideCursor: true, clearOnComplete: false, etaBuffer: 50,
    format: (_options, params) => {
      const seconds = Math.max(0.001, (performance.now() - started) / 1000);
      const rate = Math.round(params.value / seconds).toLocaleString('en-US');
      const figures = `${params.value.toLocaleString('en-US')}${known ? `/${params.total.toLocaleString('en-US')}` : ''} ${unit}  ${rate}/s`;
      if (!known) return `${label}  ${figures}${detail ? `  ${detail}` : ''}`;
      const share = Math.min(1, params.progress);
      const drawn = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
      const eta = Number.isFinite(params.eta) && params.value < params.total ? `  ETA ${Math.ceil(params.eta)} s` : '';
      return `${label} [${drawn}] ${(share * 100).toFixed(0).padStart(3)}%  ${figures}${detail ? `  ${detail}` : ''}${eta}`;
    },
  });
  bar.start(0, 0);
  return {
    update(done, total, text) {
      if (text !== undefined) detail = text;
      if (total !== undefined) {
        known = true;
        bar.setTotal(Math.max(total, done));
      }
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
