import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('dependencies', () => {
  it('every locked package supports the oldest Node.js the README names', () => {
    const promised = (read('package.json').engines as { node: string }).node;
    const oldest = semver.minVersion(promised)!.version;
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toContain(`Node.js ${semver.major(oldest)}.${semver.minor(oldest)} or newer`);
    const packages = read('package-lock.json').packages as Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    const refusing = Object.entries(packages)
      .filter(([name, p]) => name !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(oldest, p.engines.node))
      .map(([name, p]) => `${name}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
