import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { anchorRecordSchema, type AnchorRecord } from './anchorRecord.js';
import { keyIdOf, publicKeyPem, readPublicKey } from './anchorKey.js';

const anchorFile = /^anchor-(\d{10})\.json$/;

/** An anchor file that cannot be read as an anchor. */
export class AnchorFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'AnchorFileError';
  }
}

/**
 * An append-only folder of anchors: `anchor-<seq>.json`, each created once
 * (exclusive create, then read-only) and never rewritten, and `keys/<keyId>.pem`,
 * the public keys that verify them.
 */
export class AnchorDirectory {
  constructor(readonly dir: string) {}

  static fileName(seq: number): string {
    return `anchor-${String(seq).padStart(10, '0')}.json`;
  }

  /** Anchors with seq above `afterSeq`, in seq order. */
  async read(afterSeq = 0): Promise<AnchorRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const wanted = names.map((name) => ({ name, seq: Number(anchorFile.exec(name)?.[1] ?? 0) }))
      .filter((f) => f.seq > afterSeq).sort((a, b) => a.seq - b.seq);
    const records: AnchorRecord[] = [];
    for (const { name, seq } of wanted) {
      const file = path.join(this.dir, name);
      let parsed;
      try {
        parsed = anchorRecordSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      } catch (error) {
        throw new AnchorFileError(file, `not JSON (${(error as Error).message})`);
      }
      if (!parsed.success) throw new AnchorFileError(file, `not an anchor: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (parsed.data.seq !== seq) throw new AnchorFileError(file, `holds anchor ${parsed.data.seq}`);
      records.push(parsed.data);
    }
    return records;
  }

  /** Writes a new anchor; false when its file already exists (another writer took the seq). */
  async write(record: AnchorRecord): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, AnchorDirectory.fileName(record.seq));
    try {
      await writeFile(file, JSON.stringify(record, null, 1) + '\n', { flag: 'wx', mode: 0o444 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    await chmod(file, 0o444);
    return true;
  }

  /** Stores the public key beside the anchors it verifies (once per key). */
  async savePublicKey(publicKey: KeyObject): Promise<void> {
    await mkdir(path.join(this.dir, 'keys'), { recursive: true });
    const file = path.join(this.dir, 'keys', `${keyIdOf(publicKey)}.pem`);
    await writeFile(file, publicKeyPem(publicKey), { flag: 'wx', mode: 0o444 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }

  /** The public keys stored in the folder, by key id. */
  async publicKeys(): Promise<Map<string, KeyObject>> {
    const keys = new Map<string, KeyObject>();
    let names: string[] = [];
    try {
      names = await readdir(path.join(this.dir, 'keys'));
    } catch {
      return keys;
    }
    for (const name of names.filter((n) => n.endsWith('.pem'))) {
      const key = await readPublicKey(path.join(this.dir, 'keys', name));
      keys.set(keyIdOf(key), key);
    }
    return keys;
  }
}
