import { z } from 'zod';
import { defineRoute } from '../http/route.js';

/** Liveness for load balancers: answers without touching the store. */
export const healthRoutes = [
  defineRoute({
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness probe',
    tag: 'meta',
    auth: 'none',
    responses: { 200: { description: 'The node is up.', schema: z.object({ ok: z.literal(true) }) } },
    handler: async () => ({ ok: true }),
  }),
];
