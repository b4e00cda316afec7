import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { registerRoutes, type Route } from './route.js';

/**
 * The backend's web views (/support, /dashboard): scripts and styles only from this origin, no
 * inline code, no frames, no outside connections. Their pages put server data on the page as text
 * (never as HTML), and this policy is the second line if that ever slipped.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Registers a web view's routes in a scope of their own, every answer with the views' security headers. */
export async function registerWebView(app: FastifyInstance, deps: ServerDeps, routes: readonly Route[]): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('referrer-policy', 'no-referrer');
      void reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    });
    registerRoutes(scope, deps, routes);
  });
}
