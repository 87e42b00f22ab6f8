/**
 * One thing `/ready` depends on. Checks are named so a 503 says which one is
 * not ready and why; every component that can stop the service from doing
 * its job (the database, the projections, the event store) adds its own.
 */
export interface ReadinessCheck {
  readonly name: string;
  /** Never throws for "not ready": it answers so, with what an operator needs to act. */
  check(): Promise<ReadinessResult>;
}

export type ReadinessResult =
  | { readonly ready: true }
  | { readonly ready: false; readonly reason: string; readonly [detail: string]: unknown };

/** The `/ready` answer: every check run at once; ready only when all are. */
export interface Readiness {
  readonly ready: boolean;
  readonly body: Record<string, unknown>;
}

export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<Readiness> {
  const results = await Promise.all(checks.map(async (c) => {
    try {
      return { name: c.name, result: await c.check() };
    } catch (error) {
      // A check that cannot even ask is not ready either.
      return { name: c.name, result: { ready: false, reason: `${c.name} check failed`, detail: (error as Error).message } as ReadinessResult };
    }
  }));
  const failed = results.filter((r) => !r.result.ready);
  const checksBody = Object.fromEntries(results.map((r) => [r.name, r.result.ready ? 'ready' : 'not_ready']));
  if (failed.length === 0) return { ready: true, body: { status: 'ready', checks: checksBody } };
  return {
    ready: false,
    body: {
      status: 'not_ready',
      // The first failing check's own words stay at the top for a quick look.
      ...withoutReady(failed[0]!.result),
      checks: checksBody,
      failures: failed.map((f) => ({ check: f.name, ...withoutReady(f.result) })),
    },
  };
}

function withoutReady(result: ReadinessResult): Record<string, unknown> {
  const { ready: _ready, ...rest } = result;
  return rest;
}
