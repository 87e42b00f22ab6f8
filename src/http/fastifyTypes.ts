import type { ApiPrincipal, ApiScope } from './auth/apiKeyFormat.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Taken from `x-correlation-id` or created; stored on the events the request causes. */
    correlationId: string;
    /** The authenticated caller (undefined on public routes). */
    principal: ApiPrincipal | undefined;
  }
  interface FastifyContextConfig {
    /** The scope a caller needs; routes without one are public. */
    scope?: ApiScope;
  }
}
