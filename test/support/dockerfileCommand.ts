import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** One instruction of a Dockerfile: its keyword and the rest of its (joined) lines. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The instructions of each stage of the repository's Dockerfile, comments dropped and continuation lines joined. */
export function dockerfileStages(file = path.join(root, 'Dockerfile')): Instruction[][] {
  const lines = readFileSync(file, 'utf8').replaceAll(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ keyword: keyword!.toUpperCase(), args: args! });
  }
  return stages;
}

/** The argv an instruction gives in exec form (a JSON array); undefined in shell form, whose process would be a shell. */
function execForm(instruction: Instruction | undefined): string[] | undefined {
  if (!instruction?.args.startsWith('[')) return undefined;
  return JSON.parse(instruction.args) as string[];
}

/**
 * What the image runs: ENTRYPOINT then CMD of the last stage, each in exec
 * form (undefined where one is in shell form or absent).
 */
export function imageCommand(stages = dockerfileStages()): { entrypoint: string[] | undefined; cmd: string[] | undefined } {
  const last = stages.at(-1) ?? [];
  const latest = (keyword: string) => last.filter((i) => i.keyword === keyword).at(-1);
  return { entrypoint: execForm(latest('ENTRYPOINT')), cmd: execForm(latest('CMD')) };
}

/** `npm start` as package.json says it, the leading `exec` (the shell replaced by the service) set apart. */
export function npmStartCommand(): { exec: boolean; argv: string[] } {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  const words = start.trim().split(/\s+/);
  return words[0] === 'exec' ? { exec: true, argv: words.slice(1) } : { exec: false, argv: words };
}
