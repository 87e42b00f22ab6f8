import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const apiScopes = ['submit', 'read', 'audit', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Systems a key can be bound to: the source systems, plus ADMIN for operators. */
export const keySystems = ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS', 'ADMIN'] as const;
export type KeySystem = (typeof keySystems)[number];

const storedKeySchema = z.object({
  id: z.string().regex(/^[a-z0-9]{12}$/),
  system: z.enum(keySystems),
  scopes: z.array(z.enum(apiScopes)).min(1),
  /** sha256 of the secret part, hex. The secret itself is never stored. */
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/),
  label: z.string().optional(),
  createdAt: z.string(),
});
export type StoredKey = z.infer<typeof storedKeySchema>;

const fileSchema = z.object({ version: z.literal(1), keys: z.array(storedKeySchema) });

/** An authenticated caller. */
export interface ApiPrincipal {
  readonly keyId: string;
  readonly system: KeySystem;
  readonly scopes: ReadonlySet<ApiScope>;
}

const keyPattern = /^olk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * API keys in a JSON file that holds only hashes. A key reads
 * `olk_<id>_<secret>`: the id finds the record, the secret's sha256 must
 * match. Secrets have 256 bits of entropy, so a fast hash is enough.
 */
export class ApiKeyFile {
  private keys = new Map<string, StoredKey>();

  private constructor(readonly file: string) {}

  static async open(file: string): Promise<ApiKeyFile> {
    const store = new ApiKeyFile(file);
    await store.reload();
    return store;
  }

  async reload(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.keys = new Map();
        return;
      }
      throw error;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`API key file ${this.file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.keys = new Map(parsed.data.keys.map((k) => [k.id, k]));
  }

  list(): StoredKey[] {
    return [...this.keys.values()];
  }

  get size(): number {
    return this.keys.size;
  }

  /** Creates a key and returns its secret form; only the hash is written. */
  async create(input: { system: KeySystem; scopes: readonly ApiScope[]; label?: string; now?: Date }): Promise<{ key: string; record: StoredKey }> {
    const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const record: StoredKey = {
      id,
      system: input.system,
      scopes: [...new Set(input.scopes)],
      secretSha256: sha256(secret),
      ...(input.label ? { label: input.label } : {}),
      createdAt: (input.now ?? new Date()).toISOString(),
    };
    this.keys.set(id, record);
    await this.save();
    return { key: `olk_${id}_${secret}`, record };
  }

  /** Removes a key by id (or by its full secret form). Returns false if unknown. */
  async revoke(idOrKey: string): Promise<boolean> {
    const id = keyPattern.exec(idOrKey)?.[1] ?? idOrKey;
    const removed = this.keys.delete(id);
    if (removed) await this.save();
    return removed;
  }

  authenticate(presented: string): ApiPrincipal | undefined {
    const match = keyPattern.exec(presented);
    if (!match) return undefined;
    const record = this.keys.get(match[1]!);
    if (!record) return undefined;
    const expected = Buffer.from(record.secretSha256, 'hex');
    const actual = Buffer.from(sha256(match[2]!), 'hex');
    if (!timingSafeEqual(expected, actual)) return undefined;
    return { keyId: record.id, system: record.system, scopes: new Set(record.scopes) };
  }

  private async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const body = JSON.stringify({ version: 1, keys: this.list() }, null, 2) + '\n';
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
