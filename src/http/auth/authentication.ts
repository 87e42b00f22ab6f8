import type { FastifyBaseLogger, FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problem, sendProblem } from '../problem.js';
import type { ApiKeyStore } from './ApiKeyStore.js';

export interface AuthenticationOptions {
  keys: ApiKeyStore;
}

/**
 * Every route that declares `config.scope` needs an API key
 * (`Authorization: Bearer <key>` or `x-api-key`) holding that scope; the
 * `admin` scope holds them all. No or unknown key: 401; wrong scope: 403.
 */
export const authentication: FastifyPluginCallback<AuthenticationOptions> = fp<AuthenticationOptions>((app, { keys }, done) => {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', (request, reply, next) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return next();
    const presented = bearer(request.headers.authorization) ?? single(request.headers['x-api-key']);
    const principal = presented === undefined ? undefined : keys.authenticate(presented);
    if (!principal) {
      void reply.header('www-authenticate', 'Bearer realm="order-ledger"');
      void sendProblem(reply, problem(presented === undefined ? 'API_KEY_MISSING' : 'API_KEY_UNKNOWN', {
        detail: presented === undefined
          ? 'Send an API key as "Authorization: Bearer <key>" or "x-api-key: <key>".'
          : 'The API key is not known (revoked or mistyped).',
      }));
      return;
    }
    request.principal = principal;
    bindKey(request, { apiKeyId: principal.keyId, system: principal.system });
    if (!principal.scopes.has(scope) && !principal.scopes.has('admin')) {
      void sendProblem(reply, problem('SCOPE_MISSING', {
        detail: `This route needs the "${scope}" scope; the key for ${principal.system} has ${[...principal.scopes].join(', ')}.`,
      }));
      return;
    }
    next();
  });
  done();
}, { name: 'authentication', dependencies: ['correlation'] });

/**
 * Adds the key to the request's log lines. Fastify gives each request a
 * logger of its own (a pino child), so the bindings go onto that one instead
 * of a second child made for every request.
 */
function bindKey(request: FastifyRequest, bindings: { apiKeyId: string; system: string }): void {
  const log = request.log as FastifyBaseLogger & { setBindings?: (b: object) => void };
  if (log !== request.server.log && typeof log.setBindings === 'function') log.setBindings(bindings);
  else request.log = request.log.child(bindings);
}

function bearer(value: string | undefined): string | undefined {
  const match = value === undefined ? null : /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1];
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
