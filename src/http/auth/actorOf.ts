import type { FastifyRequest } from 'fastify';
import '../fastifyTypes.js';

/** Who a request acts as, for the records of who changed what: `SYSTEM:keyId`. */
export function actorOf(request: FastifyRequest): string {
  const principal = request.principal;
  return principal ? `${principal.system}:${principal.keyId}` : 'anonymous';
}
