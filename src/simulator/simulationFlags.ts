import type { Drift } from './driftingCrm.js';

/** The validated flags of `order-ledger simulate` and `demo`. */
export interface SimulationFlags {
  readonly orders: number;
  readonly days: number;
  readonly seed: number;
  readonly rate: number | undefined;
  readonly concurrency: number;
  /** Items per `POST /v1/batches`; one request per event when absent. */
  readonly batch: number | undefined;
  readonly url: string;
  readonly keys: string | undefined;
  readonly embedded: boolean;
  /** First business day; when absent, `days` + 7 days ago, and facts after now are left out. */
  readonly start: Date | undefined;
  readonly tidy: boolean;
  readonly json: boolean;
  /** Run the drifting CRM (a receiver on loopback that drops and delays deliveries); absent: none. */
  readonly crm: Drift | undefined;
}

/** What commander hands over: strings (and booleans for switches). */
export interface RawSimulationFlags {
  orders?: string;
  days?: string;
  seed?: string;
  rate?: string;
  concurrency?: string;
  batch?: string;
  url?: string;
  keys?: string;
  embedded?: boolean;
  start?: string;
  tidy?: boolean;
  json?: boolean;
  driftingCrm?: boolean;
  crmDrop?: string;
  crmDelay?: string;
  crmDelayMs?: string;
}

/** A flag that cannot be used as given; the message names it. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export const defaultUrl = 'http://127.0.0.1:3000';

export function parseSimulationFlags(raw: RawSimulationFlags, defaults: { orders?: number; embedded?: boolean; driftingCrm?: boolean } = {}): SimulationFlags {
  const embedded = raw.embedded ?? defaults.embedded ?? false;
  if (embedded && raw.url) throw new FlagError('--url: not with --embedded (the embedded service picks its own port)');
  if (embedded && raw.keys) throw new FlagError('--keys: not with --embedded (the embedded service gets fresh keys)');
  if (!embedded && !raw.keys) throw new FlagError('--keys: required to reach a running service (a JSON file {"CRM": "olk_…", "ERP": …}); or use --embedded');
  const orders = raw.orders === undefined ? defaults.orders : integer('--orders', raw.orders, 1, 10_000_000);
  if (orders === undefined) throw new FlagError('--orders: required (how many orders to simulate, e.g. --orders 2000)');
  return {
    orders,
    days: integer('--days', raw.days ?? '1', 1, 366),
    seed: integer('--seed', raw.seed ?? '1', 0, 2 ** 32 - 1),
    rate: raw.rate === undefined ? undefined : positive('--rate', raw.rate),
    concurrency: integer('--concurrency', raw.concurrency ?? '32', 1, 1024),
    batch: raw.batch === undefined ? undefined : integer('--batch', raw.batch, 1, 10_000),
    url: url(raw.url ?? defaultUrl),
    keys: raw.keys,
    embedded,
    start: raw.start === undefined ? undefined : day(raw.start),
    tidy: raw.tidy ?? false,
    json: raw.json ?? false,
    crm: drift(raw, defaults.driftingCrm ?? false),
  };
}

/** The drifting CRM's flags: any of them runs it. */
function drift(raw: RawSimulationFlags, byDefault: boolean): Drift | undefined {
  const asked = raw.driftingCrm ?? (raw.crmDrop !== undefined || raw.crmDelay !== undefined || raw.crmDelayMs !== undefined);
  if (!asked && !byDefault) return undefined;
  return {
    drop: share('--crm-drop', raw.crmDrop ?? '0.02'),
    delay: share('--crm-delay', raw.crmDelay ?? '0.1'),
    delayMs: integer('--crm-delay-ms', raw.crmDelayMs ?? '2000', 0, 600_000),
  };
}

function share(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new FlagError(`${flag}: "${text}" is not a share from 0 to 1 (e.g. 0.05)`);
  return value;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new FlagError(`${flag}: "${text}" is not a whole number from ${min} to ${max.toLocaleString('en-US')}`);
  }
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new FlagError(`${flag}: "${text}" is not a positive number of events per second`);
  return value;
}

function url(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new FlagError(`--url: "${text}" is not a URL (e.g. ${defaultUrl})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new FlagError(`--url: "${text}" must be http:// or https://`);
  return parsed.toString();
}

function day(text: string): Date {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) throw new FlagError(`--start: "${text}" is not a date like 2026-03-02`);
  return parsed;
}

/** The day options the flags describe, with "now" for the default window. */
export function dayWindow(flags: SimulationFlags, now: Date): { start: Date; cutoff: Date | undefined } {
  if (flags.start) return { start: flags.start, cutoff: undefined };
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - flags.days - 7));
  return { start, cutoff: now };
}
