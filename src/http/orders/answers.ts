import type { FastifyReply } from 'fastify';
import type { AcceptedBody, SubmissionOutcome, UnmatchedBody } from '../../orders/SubmissionOutcome.js';
import type { LedgerMetrics } from '../../observability/metrics.js';
import { problem, sendProblem, type Problem } from '../problem.js';

/** How one submission's outcome is answered over HTTP: the single place outcomes meet statuses. */
export type Answer =
  | { readonly outcome: 'accepted' | 'duplicate' | 'unmatched'; readonly status: number; readonly replayed: boolean; readonly body: AcceptedBody | UnmatchedBody }
  | { readonly outcome: 'refused'; readonly status: number; readonly problem: Problem };

export function answerOf(outcome: SubmissionOutcome, metrics: LedgerMetrics): Answer {
  switch (outcome.kind) {
    case 'accepted': return { outcome: 'accepted', status: 201, replayed: false, body: outcome.body };
    // A retry created nothing: the original body, 200 instead of 201.
    case 'duplicate': return { outcome: 'duplicate', status: 200, replayed: true, body: outcome.body };
    case 'unmatched': return { outcome: 'unmatched', status: 202, replayed: outcome.replayed, body: outcome.body };
    case 'refused': {
      metrics.refusals.inc({ code: outcome.error.code });
      const p = problem(outcome.error.code, {
        detail: outcome.error.message,
        ...(outcome.error.field ? { field: outcome.error.field } : {}),
        ...(outcome.issues ? { errors: [...outcome.issues] } : {}),
      });
      return { outcome: 'refused', status: p.status, problem: p };
    }
    default: return assertNever(outcome);
  }
}

export function sendAnswer(reply: FastifyReply, answer: Answer): FastifyReply {
  if (answer.outcome === 'refused') return sendProblem(reply, answer.problem);
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(answer.status).send(answer.body);
}

/** 503 when the append gate is full, for a single submission and a batch alike. */
export function sendOverloaded(reply: FastifyReply, metrics: LedgerMetrics, detail: string): FastifyReply {
  metrics.overload.inc();
  void reply.header('retry-after', '1');
  return sendProblem(reply, problem('OVERLOADED', { detail }));
}

/** Admin keys administer; transitions come from the system that owns them. */
export function sendAdminSubmits(reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problem('NOT_OWNER', { detail: 'An admin key submits no transitions; use the key of the system that owns the transition.' }));
}

function assertNever(value: never): never {
  throw new Error(`unhandled outcome ${JSON.stringify(value)}`);
}
