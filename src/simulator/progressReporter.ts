import type { SubmitTally } from './SubmitTally.js';

export interface ProgressReporter {
  stop(): void;
}

/**
 * A progress bar on `stream`: submitted/s, accepted, ETA. Redrawn in place
 * on a terminal; one line every 5 s otherwise (CI logs stay short).
 */
export function progressReporter(stream: NodeJS.WriteStream, tally: SubmitTally, expectedNow: () => number): ProgressReporter {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let last = { at: started, submitted: 0 };
  const draw = (final: boolean) => {
    const now = performance.now();
    const rate = ((tally.submitted - last.submitted) * 1000) / Math.max(1, now - last.at);
    last = { at: now, submitted: tally.submitted };
    const expected = Math.max(expectedNow(), tally.submitted);
    const done = Math.min(1, tally.submitted / Math.max(1, expected));
    const overall = (tally.submitted * 1000) / Math.max(1, now - started);
    const eta = overall > 0 ? Math.max(0, (expected - tally.submitted) / overall) : Infinity;
    const width = 24;
    const bar = '#'.repeat(Math.round(done * width)).padEnd(width, '.');
    const line = `[${bar}] ${(done * 100).toFixed(0).padStart(3)}%  ${tally.submitted}/${expected}  ${rate.toFixed(0)}/s  accepted ${tally.accepted}  dup ${tally.duplicates}  unmatched ${tally.unmatched}  ETA ${Number.isFinite(eta) ? `${Math.ceil(eta)} s` : '?'}`;
    stream.write(tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  };
  const timer = setInterval(() => draw(false), tty ? 250 : 5000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      draw(true);
    },
  };
}
