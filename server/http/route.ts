import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { fieldIssues } from '../../common/messages/index.js';
import type { ServerDeps } from '../deps.js';
import { requireRole } from './auth.js';
import { HttpError } from './errors.js';
import { rateLimitKey } from './rate-limit.js';

/** One documented response of a route. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/** What a handler receives: inputs already parsed by their schemas. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
  deps: ServerDeps;
}

/**
 * A route declared once: fastify registration, zod parsing of every input and the OpenAPI
 * document all come from this one object, so the document cannot drift from the code.
 */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path syntax (`/v1/admin/campaigns/:id`). */
  url: string;
  summary: string;
  tag: string;
  /** `none`: anyone (manifests must be cacheable by a CDN, so they carry no credentials). */
  auth: 'none' | 'admin' | 'device';
  /**
   * Device routes that cost something are rate limited per install: `true` counts every request
   * before the handler; `uncached` means the handler counts only requests the cache cannot answer
   * (with enforceDeviceLimit), so cacheable polls are never limited.
   */
  rateLimited?: boolean | 'uncached';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * A body that is not JSON, handed to the handler as the request stream (`request.body`) by a
   * content-type parser of the route's own scope (an installer upload). Documented, not parsed here.
   */
  rawBody?: { contentType: string; description: string };
  /** Extra request headers worth documenting. */
  headers?: { name: string; description: string }[];
  responses: Record<number, ResponseSpec>;
  handler(context: RouteContext<P, Q, B>): Promise<unknown>;
}

/** A route with its input types erased, so routes of different shapes fit in one list. */
export type Route = RouteSpec<unknown, unknown, unknown>;

/** Checks a route's handler against its schemas, then erases the types for the route list. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): Route {
  // Safe: registerRoutes parses params/query/body with exactly these schemas before calling the handler.
  return spec as unknown as Route;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'path' | 'query' | 'body'): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const label = where === 'body' ? 'The body' : where === 'path' ? 'The URL path' : 'The query string';
  throw new HttpError(
    400,
    'invalid-request',
    `${label} has ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    issues,
  );
}

/** Counts one request against the per-install device limit (once per request); throws 429 with Retry-After when over it. */
export function enforceDeviceLimit(deps: ServerDeps, request: FastifyRequest, reply: FastifyReply): void {
  const now = deps.clock.now();
  if (deps.deviceLimiter.hit(rateLimitKey(request.raw), now)) return;
  const retry = deps.deviceLimiter.retryAfterSeconds(now);
  void reply.header('retry-after', String(retry));
  throw new HttpError(
    429,
    'rate-limited',
    `Too many requests from this install (limit ${deps.deviceLimiter.max} per ${deps.deviceLimiter.windowMs / 1000} s); retry in ${retry} s.`,
  );
}

/** An onRequest hook for `rateLimited: true` routes. */
function limitDevice(deps: ServerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => enforceDeviceLimit(deps, request, reply);
}

/** Registers routes on the instance with validation, auth and rate limits. */
export function registerRoutes(app: FastifyInstance, deps: ServerDeps, routes: readonly Route[]): void {
  for (const route of routes) {
    const options: RouteOptions = {
      method: route.method,
      url: route.url,
      ...(route.rateLimited === true ? { onRequest: limitDevice(deps) } : {}),
      ...(route.auth === 'admin' || route.auth === 'device' ? { preHandler: requireRole(deps, route.auth) } : {}),
      handler: async (request, reply) => {
        const params = parse(route.params, request.params, 'path');
        const query = parse(route.query, request.query, 'query');
        const bodyless = route.body === undefined && route.rawBody === undefined;
        if (bodyless && request.body !== undefined && request.body !== null && request.body !== '') {
          throw new HttpError(400, 'unexpected-body', `${route.method} ${route.url} takes no body.`);
        }
        const body = parse(route.body, request.body ?? undefined, 'body');
        return route.handler({ params, query, body, request, reply, deps });
      },
    };
    app.route(options);
  }
}
