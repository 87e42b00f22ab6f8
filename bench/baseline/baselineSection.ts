import type { Figure } from '../harness/results.js';
import type { Section } from '../harness/section.js';
import { runBareBench } from './bareBench.js';
import { runEmmettBench } from './emmettBench.js';

/** Side by side on the same server: the bare table (physical limit) and Emmett. */
export const baselineSection: Section = {
  name: 'baseline',
  title: 'Side by side: bare PostgreSQL and Emmett on the same server',
  async run(context) {
    const bare = await runBareBench(context);
    const emmett = await runEmmettBench(context);
    const labelled = (who: string, figures: readonly Figure[]) => figures.map((figure) => ({ ...figure, work: `${who}: ${figure.work}` }));
    return { figures: [...labelled('Bare', bare.figures), ...labelled('Emmett', emmett.figures)], notes: [...bare.notes, ...emmett.notes] };
  },
};
