import type { RebuildProgress } from './rebuildProjection.js';

export interface ProgressBar {
  readonly update: (progress: RebuildProgress) => void;
  readonly done: () => void;
}

const width = 30;

/**
 * A one-line progress bar (events, events/s, ETA) redrawn in place on a
 * terminal, or a line every few seconds when the output is a file or a pipe.
 */
export function progressBar(out: NodeJS.WriteStream, label: string, total: number | undefined): ProgressBar {
  let lastDrawn = 0;
  let last: RebuildProgress | undefined;
  const draw = (progress: RebuildProgress, final = false) => {
    const seconds = Math.max(progress.elapsedMs / 1000, 0.001);
    const rate = progress.applied / seconds;
    const share = total ? Math.min(1, progress.applied / total) : undefined;
    const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `;
    const eta = total && rate > 0 ? ` ETA ${Math.max(0, (total - progress.applied) / rate).toFixed(0)} s` : '';
    const line = `${label} ${bar}${progress.applied.toLocaleString('en')}${total ? `/${total.toLocaleString('en')}` : ''} events ${Math.round(rate).toLocaleString('en')} ev/s${final ? ` in ${seconds.toFixed(1)} s` : eta}`;
    out.write(out.isTTY ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  };
  return {
    update(progress) {
      last = progress;
      const now = Date.now();
      if (now - lastDrawn >= (out.isTTY ? 200 : 5000)) {
        lastDrawn = now;
        draw(progress);
      }
    },
    done() {
      if (last) draw(last, true);
    },
  };
}
