import type { BenchPlan } from './plan.js';
import type { Figure } from './results.js';
import type { BenchServer } from './server.js';

/** What a section gets from `bench/run.ts`. */
export interface SectionContext {
  /** The run's one PostgreSQL server: make fresh databases on it. */
  readonly server: BenchServer;
  readonly plan: BenchPlan;
  /** Progress, to stderr. */
  readonly log: (message: string) => void;
  /** Unique per invocation, for stream names and the like. */
  readonly tag: string;
}

/** What a section hands back: its figures and what a reader must know to read them. */
export interface SectionOutput {
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
}

/** One entry of the section registry (`bench/sections.ts`). */
export interface Section {
  /** `npm run bench -- <name>` runs only this one. */
  readonly name: string;
  readonly title: string;
  /** Resolves to undefined when the code it measures has not landed yet ("not yet available"). */
  run(context: SectionContext): Promise<SectionOutput | undefined>;
}
