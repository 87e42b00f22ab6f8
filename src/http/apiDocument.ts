import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorCatalogue, type ErrorCode } from './errors.js';
import { problemSchema } from './problem.js';

/** The problem codes each problem response entry stands for (the entries are clones of `problemSchema`). */
const problemCodes = z.registry<{ codes: readonly ErrorCode[] }>();

/**
 * The response entries for the problems a route answers, by the status the
 * error catalogue gives each code. Serialised as `Problem`; documented as
 * `application/problem+json` naming the codes.
 */
export function problemResponses(...codes: ErrorCode[]): Record<number, z.ZodType> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, group]) => [status, problemEntry(group)]));
}

function problemEntry(codes: readonly ErrorCode[]): z.ZodType {
  const entry = problemSchema.clone();
  problemCodes.add(entry, { codes: [...new Set(codes)] });
  return entry;
}

/**
 * What every route can answer besides its own outcomes, from the hooks every
 * request passes: the parameter text check (every route), the body parser
 * and limit (routes with a body), authentication, the rate limit and load
 * shedding (routes that need a scope).
 */
function commonCodes(route: RouteOptions): ErrorCode[] {
  const codes: ErrorCode[] = ['VALIDATION_FAILED'];
  if (route.schema?.body || route.config?.openapi?.body) codes.push('BAD_REQUEST', 'INVALID_UTF8', 'BODY_TOO_LARGE');
  if (route.config?.scope) codes.push('API_KEY_MISSING', 'API_KEY_UNKNOWN', 'SCOPE_MISSING', 'RATE_LIMITED', 'OVERLOADED');
  return codes;
}

/** Adds the common problems to every documented route's responses, merged with those the route declares. */
function addCommonResponses(route: RouteOptions): void {
  if (route.schema?.hide) return;
  const response: Record<string, unknown> = { ...(route.schema?.response as Record<string, unknown> | undefined) };
  const byStatus = new Map<string, ErrorCode[]>();
  for (const [status, entry] of Object.entries(response)) {
    const codes = problemCodes.get(entry as z.ZodType)?.codes;
    if (codes) byStatus.set(status, [...codes]);
  }
  for (const code of commonCodes(route)) {
    const status = String(errorCatalogue[code].status);
    if (response[status] !== undefined && !byStatus.has(status)) continue; // the route answers its own body there
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of byStatus) response[status] = problemEntry(codes);
  // The scope as the role the bearer key must hold (OpenAPI 3.1 security requirements name roles for any scheme).
  route.schema = { ...route.schema, response, security: route.config?.scope ? [{ apiKey: [route.config.scope] }] : [] };
}

const problemHeaders: Record<number, Record<string, { type: 'string'; description: string }>> = {
  401: { 'www-authenticate': { type: 'string', description: 'Bearer realm="order-ledger"' } },
  429: { 'retry-after': { type: 'string', description: 'Seconds until the key may send again.' } },
  503: { 'retry-after': { type: 'string', description: 'Seconds to wait before retrying with the same idempotency key.' } },
};

function problemResponseObject(status: number, codes: readonly ErrorCode[]) {
  return {
    description: codes.map((code) => `${code}: ${errorCatalogue[code].title}`).join('; '),
    ...(problemHeaders[status] ? { headers: problemHeaders[status] } : {}),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/** Route `config.openapi`: what the document says of a route where it says more than the route's validation schema. */
export interface RouteDocumentation {
  /**
   * The body as documented, e.g. a union discriminated on `type` where the route validates `data` per type itself,
   * or a streamed body the route reads itself (with `schema.consumes` naming its media types).
   */
  readonly body?: z.ZodType;
  /** Named request examples, each a valid request. */
  readonly examples?: Readonly<Record<string, { readonly summary: string; readonly value: unknown }>>;
  /** The 200 answer is also CSV (`Accept: text/csv`). */
  readonly csv?: boolean;
  /** Response headers by status. */
  readonly headers?: Readonly<Record<number, Readonly<Record<string, { readonly type: 'string'; readonly description: string }>>>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDocumentation;
  }
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** Named request examples by operationId, set as the request body's media examples once the document is built. */
const requestExamples = new Map<string, NonNullable<RouteDocumentation['examples']>>();

function transform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const schema = input.schema as Record<string, unknown> | undefined;
  if (!schema || schema.hide) return jsonSchemaTransform(input);
  const docs = (input.route.config as { openapi?: RouteDocumentation } | undefined)?.openapi;
  const problems: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  const descriptions: Record<string, string> = {};
  for (const [status, entry] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
    const codes = problemCodes.get(entry as z.ZodType)?.codes;
    if (codes) problems[status] = problemResponseObject(Number(status), codes);
    else own[status] = entry;
    const description = z.globalRegistry.get(entry as z.ZodType)?.description;
    if (description) descriptions[status] = description;
  }
  const out = jsonSchemaTransform({
    ...input,
    schema: { ...schema, response: own, ...(docs?.body ? { body: docs.body } : {}) } as TransformInput['schema'],
  });
  const transformed = out.schema as Record<string, unknown>;
  const responses = { ...(transformed.response as Record<string, object>), ...problems } as Record<string, object>;
  for (const [status, description] of Object.entries(descriptions)) {
    if (responses[status] && !problems[status]) responses[status] = { description, ...responses[status] };
  }
  for (const [status, headers] of Object.entries(docs?.headers ?? {})) {
    if (responses[status]) responses[status] = { ...responses[status], headers };
  }
  if (docs?.csv && responses['200']) {
    const { description, ...json } = responses['200'] as { description?: string };
    responses['200'] = {
      description: description ?? 'JSON, or CSV with Accept: text/csv',
      content: { 'application/json': { schema: json }, 'text/csv': { schema: { type: 'string' } } },
    };
  }
  transformed.response = responses;
  transformed.operationId ??= operationIdOf(input.route.method, input.url);
  if (docs?.examples) requestExamples.set(transformed.operationId as string, docs.examples);
  return out;
}

/** `GET /v1/orders/:orderRef/history` → `getV1OrdersOrderRefHistory`: stable names for generated clients. */
function operationIdOf(method: RouteOptions['method'], url: string): string {
  const words = url.split(/[/:\-{}]+/).filter(Boolean);
  return [String(method).toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

type ObjectInput = Parameters<typeof jsonSchemaTransformObject>[0];
type OperationObject = { operationId?: string; requestBody?: { content?: Record<string, { examples?: unknown }> } };

/** Named components from every schema with an id (`.meta({ id })`), keeping those the document refers to. */
function transformObject(input: ObjectInput): ReturnType<typeof jsonSchemaTransformObject> {
  const document = jsonSchemaTransformObject(input) as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    for (const [, name] of JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (!used.has(name!)) {
        used.add(name!);
        visit(schemas[name!]);
      }
    }
  };
  for (const operations of Object.values((document.paths ?? {}) as Record<string, Record<string, OperationObject>>)) {
    for (const operation of Object.values(operations)) {
      const examples = requestExamples.get(operation.operationId ?? '');
      // On the JSON body, or on the first media type of a body that is not JSON (a streamed CSV).
      const content = operation.requestBody?.content;
      const media = content?.['application/json'] ?? (content ? Object.values(content)[0] : undefined);
      if (examples && media) media.examples = examples;
    }
  }
  visit(document.paths);
  document.components!.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return document as ReturnType<typeof jsonSchemaTransformObject>;
}

export interface ApiDocumentOptions {
  readonly title: string;
  readonly version: string;
}

/** The OpenAPI document at /openapi.json and its UI at /docs, generated from the routes' zod schemas. */
export async function installApiDocument(app: FastifyInstance, { title, version }: ApiDocumentOptions): Promise<void> {
  app.addHook('onRoute', addCommonResponses);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title, version, description: 'One trustworthy, append-only history of every order transition. Every error is application/problem+json (the Problem schema) with a stable code; each operation lists the codes it answers.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An order-ledger API key (olk_…), also accepted as the x-api-key header.' } } },
      security: [{ apiKey: [] }],
    },
    transform,
    transformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', theme: { title: `${title} API ${version}` } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
