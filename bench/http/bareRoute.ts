/**
 * The framework's limit on this machine: fastify 5 and fastify-type-provider-zod
 * serving the same two submission routes with the same zod body schemas as the
 * service, validating the body and answering 201, and nothing else (no key, no
 * log, no domain, no database). One JSON line `{"address": …}` on stdout, as
 * benchService.ts prints; stops on SIGTERM.
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { transitionBodySchema, transitionBodyShape } from '../../src/orders/submission.js';

const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
const placeOrderBody = z.strictObject({ orderKey: z.string().min(1).max(100), ...transitionBodyShape });
const params = z.object({ orderRef: z.string().min(1).max(300) });
app.post('/v1/orders', { schema: { body: placeOrderBody } }, async (request, reply) => reply.code(201).send({ orderKey: request.body.orderKey, status: 'RECEIVED' }));
app.post('/v1/orders/:orderRef/events', { schema: { params, body: transitionBodySchema } }, async (request, reply) => reply.code(201).send({ orderKey: request.params.orderRef, type: request.body.type }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ address }) + '\n');
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0), () => process.exit(1));
});
