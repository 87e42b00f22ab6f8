import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Benchmark-only packages live in bench/peers (own package.json and
 * lockfile): Emmett wants commander ^12 while the service uses 14, so it
 * cannot be a root devDependency. Installed on first use.
 */
export const peersDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../peers');

let installed = false;

export function ensurePeersInstalled(log: (message: string) => void): void {
  if (installed || existsSync(path.join(peersDir, 'node_modules', '.package-lock.json'))) {
    installed = true;
    return;
  }
  log('installing the benchmark peers (npm ci --prefix bench/peers)…');
  execFileSync('npm', ['ci', '--prefix', peersDir, '--no-audit', '--no-fund'], { stdio: ['ignore', process.stderr, process.stderr] });
  installed = true;
}

/**
 * Imports a peer package's ESM entry from bench/peers/node_modules. The
 * caller casts the result to a narrow local interface: the peers' own
 * types stay out of our type check.
 */
export async function importPeer(relativeEntry: string, log: (message: string) => void): Promise<unknown> {
  ensurePeersInstalled(log);
  return import(pathToFileURL(path.join(peersDir, 'node_modules', relativeEntry)).href);
}

/** Like `importPeer`, but undefined when the package is not in bench/peers. */
export async function importOptionalPeer(relativeEntry: string, log: (message: string) => void): Promise<unknown> {
  ensurePeersInstalled(log);
  const file = path.join(peersDir, 'node_modules', relativeEntry);
  return existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}
