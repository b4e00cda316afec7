import { z } from 'zod';
import { defineRoute, type ResponseSpec, type Route } from '../http/route.js';
import { STORE_RETRY_AFTER_SECONDS } from '../store/store-health.js';
import { ApiErrorSchema } from '../../common/messages/index.js';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  // Refinements (rule checks, canonical locales) cannot be expressed in JSON Schema; the server still enforces them.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function pathParameters(schema: z.ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (schema === undefined) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** Methods whose body Fastify parses (it ignores a GET's body). */
const BODY_METHODS = new Set<Route['method']>(['POST', 'PUT', 'DELETE']);

/**
 * The answers a route can give because of its shape, whatever its handler does: input parsing
 * (route.ts), body parsing and limits (errors.ts), auth, the rate limit, Fastify's URL checks
 * (maxParamLength) and an unreachable store or a node shutting down. A route's own `responses`
 * add to these and override their descriptions. server-openapi-coverage.test.ts fires bad input
 * at every route and checks each answer is listed.
 */
export function shapeResponses(route: Route): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {};
  const hasParams = route.url.includes(':');
  const takesBody = BODY_METHODS.has(route.method);
  if (hasParams || route.query !== undefined || takesBody) {
    responses[400] = {
      description:
        takesBody && route.body === undefined && route.rawBody === undefined
          ? 'A body was sent (this route takes none) or is not valid JSON.'
          : 'Invalid input; `issues` names each bad field.',
    };
  }
  if (route.auth !== 'none') responses[401] = { description: 'Missing or unknown bearer token.' };
  if (route.auth === 'admin') responses[403] = { description: 'The token does not have the admin role.' };
  if (takesBody) {
    responses[413] = { description: 'The body is larger than the server accepts.' };
    responses[415] = { description: `The body is not sent as ${route.rawBody?.contentType ?? 'application/json'}.` };
  }
  if (hasParams) responses[414] = { description: 'A path parameter is longer than 100 characters.' };
  if (route.rateLimited) responses[429] = { description: 'Too many requests from this install; see Retry-After.' };
  responses[503] = {
    description: `The store cannot be reached for the moment, or this node is shutting down; retry after Retry-After seconds (${STORE_RETRY_AFTER_SECONDS}).`,
  };
  return responses;
}

/** Builds the OpenAPI 3.1 document from the same route declarations the server registers. */
export function buildOpenApi(routes: readonly Route[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries({ ...shapeResponses(route), ...route.responses })) {
      const schema = response.schema ?? (Number(status) >= 400 ? ApiErrorSchema : undefined);
      responses[status] = {
        description: response.description,
        ...(schema ? { content: { [response.contentType ?? 'application/json']: { schema: jsonSchema(schema, 'output') } } } : {}),
      };
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`,
      parameters: [
        ...pathParameters(route.params, 'path'),
        ...pathParameters(route.query, 'query'),
        ...(route.headers ?? []).map((header) => ({
          name: header.name,
          in: 'header',
          required: false,
          description: header.description,
          schema: { type: 'string' },
        })),
      ],
      responses,
      ...(route.auth === 'none' ? { security: [] } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
        : {}),
      ...(route.rawBody
        ? {
            requestBody: {
              required: true,
              description: route.rawBody.description,
              content: { [route.rawBody.contentType]: { schema: { type: 'string', contentMediaType: route.rawBody.contentType } } },
            },
          }
        : {}),
    };
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trayside backend',
      version: info.version,
      description: 'Campaign admin API and signed message manifests for the Trayside tray app. Errors always use the ApiError shape.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** GET /openapi.json over the given routes (itself included). */
export function openApiRoutes(documented: readonly Route[], version: string): Route[] {
  let cached: string | undefined;
  const self: Route = defineRoute({
    method: 'GET',
    url: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    auth: 'none',
    responses: { 200: { description: 'The document.' } },
    handler: async ({ reply }): Promise<unknown> => {
      cached ??= JSON.stringify(buildOpenApi([...documented, self], { version }));
      return reply.type('application/json; charset=utf-8').send(cached);
    },
  });
  return [self];
}
