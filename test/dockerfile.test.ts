import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfileStages, imageCommand, npmStartCommand } from './support/dockerfileCommand.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/**
 * No docker engine runs here, so the image is never built in a test. What
 * keeps it from drifting: it runs the command `npm start` runs, which
 * test/e2e/startStop.test.ts builds and starts from dist/ (and checks that
 * the Dockerfile's command is the process it finds running).
 */
describe('the Dockerfile', () => {
  const stages = dockerfileStages();
  const { entrypoint, cmd } = imageCommand(stages);

  it('runs, in exec form (no shell between docker stop and the service), the command npm start runs', () => {
    expect(entrypoint, 'ENTRYPOINT in exec form').toBeDefined();
    expect(cmd, 'CMD in exec form').toBeDefined();
    const start = npmStartCommand();
    expect(start.exec, 'npm start replaces its shell with the service').toBe(true);
    expect([...entrypoint!, ...cmd!]).toEqual(start.argv);
  });

  it('runs the compiled CLI: the build stage compiles it into dist/, and the image copies dist/', () => {
    const [program, entry] = entrypoint!;
    expect(program).toBe('node');
    const { outDir, rootDir } = (JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } }).compilerOptions;
    expect(entry!.startsWith(`${outDir}/`), entry).toBe(true);
    // dist/<path>.js is compiled from src/<path>.ts: the very module bin/order-ledger.js runs.
    const source = path.posix.join(rootDir, entry!.slice(outDir.length + 1).replace(/\.js$/, '.ts'));
    expect(existsSync(path.join(root, source)), source).toBe(true);
    expect(read('bin/order-ledger.js')).toContain(`'../${source}'`);

    const [build, image] = [stages[0]!, stages.at(-1)!];
    expect(build[0]!.args).toMatch(/ AS (\S+)$/i);
    const buildName = / AS (\S+)$/i.exec(build[0]!.args)![1]!;
    const workdir = (stage: typeof build) => stage.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args;
    expect(build.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args))).toBe(true);
    expect(image.some((i) => i.keyword === 'COPY' && i.args === `--from=${buildName} ${workdir(build)}/${outDir} ./${outDir}`)).toBe(true);
    expect(workdir(image)).toBe(workdir(build));
    // The service's migrations ship beside dist/: start-up runs them.
    expect(image.some((i) => i.keyword === 'COPY' && i.args === 'migrations ./migrations')).toBe(true);
  });

  it('names SIGTERM as its stop signal, which the service shuts down on', () => {
    expect(stages.at(-1)!.find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(read('src/cli/serve.ts')).toContain("process.once('SIGTERM'");
  });
});
