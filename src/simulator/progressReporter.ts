import { progressBar } from '../progressBar.js';
import type { SubmitTally } from './SubmitTally.js';

export interface ProgressReporter {
  stop(): void;
}

/** The simulation's progress through the CLI's progress bar: submitted of expected, accepted, duplicates, unmatched. */
export function progressReporter(stream: NodeJS.WriteStream, tally: SubmitTally, expectedNow: () => number): ProgressReporter {
  const bar = progressBar(stream, 'submitted', 'events');
  const draw = () => bar.update(tally.submitted, expectedNow(), `accepted ${tally.accepted}  dup ${tally.duplicates}  unmatched ${tally.unmatched}`);
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      draw();
      bar.stop();
    },
  };
}
