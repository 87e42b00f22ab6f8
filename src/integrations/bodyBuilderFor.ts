import type { EventStore } from '../eventstore/EventStore.js';
import { crmSync } from './crmSync.js';
import type { IntegratorPreset } from './integratorConfig.js';
import type { BodyBuilder } from './runIntegrator.js';
import { cloudEventJson } from './toCloudEvent.js';

/** The request body an integrator's preset sends for each event. */
export function bodyBuilderFor(preset: IntegratorPreset, store: EventStore): BodyBuilder {
  switch (preset) {
    case 'cloudevent': return async (event) => cloudEventJson(event);
    case 'crm-sync': return crmSync(store);
    default: return assertNever(preset);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown integrator preset: ${String(value)}`);
}
