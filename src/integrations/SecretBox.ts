import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the keys come from: `LEDGER_SECRETS_KEY` (comma-separated), else the key file (one per line). */
export interface SecretKeySource {
  readonly keys: string | undefined;
  readonly keyFile: string;
}

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

const sealedPattern = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * Seals secrets at rest with AES-256-GCM: `v1.<keyId>.<iv>.<ciphertext+tag>`,
 * bound to what they belong to (the additional data), so a sealed value
 * moved to another row does not open. The first key seals; every key opens,
 * which is how a key is rotated (docs/secrets.md).
 */
export class SecretBox {
  private constructor(private readonly keys: readonly Key[]) {}

  /** 32-byte keys, the current one first. */
  static fromKeys(keys: readonly Buffer[]): SecretBox {
    if (keys.length === 0) throw new Error('no secrets key');
    for (const key of keys) if (key.length !== 32) throw new Error(`a secrets key is 32 bytes (base64 of 32 random bytes), got ${key.length}`);
    return new SecretBox(keys.map((bytes) => ({ id: keyIdOf(bytes), bytes })));
  }

  /** From the environment's keys, else from the key file, created with one fresh key (mode 600) when missing. */
  static async load(source: SecretKeySource): Promise<SecretBox> {
    if (source.keys) return SecretBox.fromKeys(parseKeys(source.keys, 'LEDGER_SECRETS_KEY'));
    let text: string;
    try {
      text = await readFile(source.keyFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      text = randomBytes(32).toString('base64') + '\n';
      await mkdir(path.dirname(source.keyFile), { recursive: true });
      await writeFile(source.keyFile, text, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
        text = await readFile(source.keyFile, 'utf8');
      });
    }
    return SecretBox.fromKeys(parseKeys(text, source.keyFile));
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(plain: string, context: string): string {
    const key = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${key.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const parts = sealedPattern.exec(sealed);
    if (!parts) throw new Error(`the secret of ${context} is not sealed`);
    const key = this.keys.find((k) => k.id === parts[1]);
    if (!key) throw new Error(`the secret of ${context} is sealed with key ${parts[1]}, which is not among the configured secrets keys`);
    const bytes = Buffer.from(parts[3]!, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(parts[2]!, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`the secret of ${context} does not open with key ${key.id}: altered, or moved from another row`);
    }
  }

  /** True for a value in plain text, or sealed with a key other than the current one. */
  needsSealing(value: string): boolean {
    return sealedPattern.exec(value)?.[1] !== this.currentKeyId;
  }
}

/** First 8 hex digits of sha256 of the key: names it in every sealed value without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function parseKeys(text: string, origin: string): Buffer[] {
  const keys = text.split(/[\n,]/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (keys.length === 0) throw new Error(`${origin} holds no key`);
  return keys.map((k) => Buffer.from(k, 'base64'));
}
