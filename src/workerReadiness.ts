import type { ReadinessCheck } from './observability/ReadinessCheck.js';
import type { IntegratorSupervisor } from './integrations/createIntegratorSupervisor.js';
import type { ProjectionRunner } from './projections/ProjectionRunner.js';

/**
 * Not ready while a projection worker or an integrator of this instance is
 * retrying after its run ended on an error (a dropped database connection,
 * say): the service answers, but its read models or deliveries are behind
 * until the worker holds its lock again. Each is named with its error and
 * since when; it clears by itself once the worker is back.
 */
export function workerReadiness(runner: ProjectionRunner, supervisor: IntegratorSupervisor): ReadinessCheck {
  return {
    name: 'workers',
    async check() {
      const projections = runner.troubled().map((t) => ({ projection: t.projection, error: t.error, since: t.since.toISOString() }));
      const integrators = supervisor.troubled().map((t) => ({ integrator: t.integrator, error: t.error, since: t.since.toISOString() }));
      if (projections.length === 0 && integrators.length === 0) return { ready: true };
      const names = [...projections.map((p) => `projection ${p.projection}`), ...integrators.map((i) => `integrator ${i.integrator}`)];
      return { ready: false, reason: `${names.join(', ')} restarting after an error`, projections, integrators };
    },
  };
}
