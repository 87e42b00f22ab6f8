import type { FastifyInstance } from 'fastify';
import { textProblem } from '../domain/primitives.js';
import { problem, sendProblem } from './problem.js';

/**
 * Path and query parameters are held to the rule bodies are: text the log
 * and PostgreSQL can store (domain/primitives.ts). `%00` decodes to U+0000,
 * which PostgreSQL refuses inside any query (SQLSTATE 22021, answered 500
 * before); here every route refuses it with 400 naming the parameter, before
 * its schema or handler runs.
 */
export function installParameterTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, reply, done) => {
    const errors = [
      ...problemsIn('params', request.params),
      ...problemsIn('querystring', request.query),
    ];
    if (errors.length === 0) return done();
    void sendProblem(reply, problem('VALIDATION_FAILED', {
      detail: `Invalid ${errors.map((e) => e.path).join(', ')}: ${errors[0]!.message}.`,
      errors,
    }));
  });
}

function problemsIn(where: 'params' | 'querystring', values: unknown): { path: string; message: string }[] {
  if (values === null || typeof values !== 'object') return [];
  const found: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    const nameProblem = textProblem(name);
    if (nameProblem) found.push({ path: `${where}.${JSON.stringify(name).slice(1, -1)}`, message: `the parameter name ${nameProblem}` });
    for (const text of Array.isArray(value) ? value : [value]) {
      const valueProblem = typeof text === 'string' ? textProblem(text) : undefined;
      if (valueProblem) found.push({ path: `${where}.${name}`, message: valueProblem });
    }
  }
  return found;
}
