import type { z } from 'zod';
import { eventDataSchemas, type EventData, type OrderEventType } from './events.js';

/** One problem with a payload: where (a path into `data`) and what. */
export interface PayloadIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type ParseEventDataResult<T extends OrderEventType> =
  | { readonly ok: true; readonly data: EventData<T> }
  | { readonly ok: false; readonly issues: readonly PayloadIssue[] };

/** Validates a payload against its event type's schema; never throws for bad input. */
export function parseEventData<T extends OrderEventType>(type: T, data: unknown): ParseEventDataResult<T> {
  const schema: z.ZodType = eventDataSchemas[type];
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, data: result.data as EventData<T> };
  return { ok: false, issues: result.error.issues.map(toIssue) };
}

function toIssue(issue: z.core.$ZodIssue): PayloadIssue {
  return {
    path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
    message: issue.message,
  };
}
