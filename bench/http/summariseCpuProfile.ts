import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where the service's CPU went: self time by area (our code by folder, packages by name) and the top functions. */
export async function summariseCpuProfile(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const out: string[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const areas = new Map<string, number>();
    const functions = new Map<string, number>();
    for (const [id, us] of self) {
      const frame = byId.get(id)!.callFrame;
      const area = areaOf(frame);
      areas.set(area, (areas.get(area) ?? 0) + us);
      const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + us);
    }
    const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${((v / total) * 100).toFixed(1)}%`).join('; ');
    out.push(`CPU profile of the service (${file}, ${(total / 1e6).toFixed(1)} s sampled) — self time by area: ${top(areas, 12)}`);
    out.push(`Top functions by self time: ${top(functions, 12)}`);
  }
  return out;
}

function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/src\/([^/]+(?:\/[^/]+)?)\//.exec(url);
  if (ours) return `src/${ours[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return shortUrl(url);
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(src|node_modules|bench)\//, '$1/');
}
