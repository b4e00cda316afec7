import { z } from 'zod';
import { CaseCodeSchema } from '../../common/diagnostics/api.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import type { SupportTokenInfo } from '../store/diagnostics-store.js';
import {
  AccessLogSchema,
  PruneResultSchema,
  SupportTokenCreatedSchema,
  SupportTokenCreateSchema,
  SupportTokenInfoSchema,
  SupportTokenListSchema,
  newSupportToken,
  newSupportTokenId,
  type SupportTokenInfoJson,
} from '../support/support-tokens.js';

const errors = {
  401: { description: 'Missing or unknown bearer token.' },
  403: { description: 'The token does not have the admin role.' },
};

function toJson(token: SupportTokenInfo): SupportTokenInfoJson {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    createdAt: token.createdAt.toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

/** Admin routes for the support role: its tokens, the case access log, pruning expired cases now. */
export const diagnosticsAdminRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/admin/support-tokens',
    summary: 'Create a support token (shown once; stored hashed). Support tokens open cases in the support view and nothing else',
    tag: 'support',
    auth: 'admin',
    body: SupportTokenCreateSchema,
    responses: { 201: { description: 'Created; `token` is not shown again.', schema: SupportTokenCreatedSchema }, ...errors },
    handler: async ({ body, reply, deps }) => {
      const token = newSupportToken();
      const info = await deps.store.diagnostics.addSupportToken(
        newSupportTokenId(),
        hashToken(token),
        body.name,
        body.scopes,
        new Date(deps.clock.now()),
      );
      return reply.code(201).send({ ...toJson(info), token });
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/admin/support-tokens',
    summary: 'List support tokens (never the tokens themselves)',
    tag: 'support',
    auth: 'admin',
    responses: { 200: { description: 'Oldest first, revoked ones included.', schema: SupportTokenListSchema }, ...errors },
    handler: async ({ deps }) => ({ tokens: (await deps.store.diagnostics.listSupportTokens()).map(toJson) }),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/admin/support-tokens/:id',
    summary: 'Revoke a support token; its sign-ins end at once',
    tag: 'support',
    auth: 'admin',
    params: z.object({ id: z.string().regex(/^st_[0-9a-f]{12}$/, 'a support token id like st_0123456789ab (see support-token list)') }),
    responses: {
      200: { description: 'Revoked (or already revoked).', schema: SupportTokenInfoSchema },
      404: { description: 'No support token with this id.' },
      ...errors,
    },
    handler: async ({ params, deps }) => {
      const revoked = await deps.store.diagnostics.revokeSupportToken(params.id, new Date(deps.clock.now()));
      if (revoked === null)
        throw new HttpError(404, 'not-found', `No support token with id ${params.id}; \`npm run admin -- support-token list\` shows them.`);
      return toJson(revoked);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/admin/diagnostics/prune',
    summary: 'Delete expired diagnostics cases and sign-ins now (the server also does it hourly)',
    tag: 'support',
    auth: 'admin',
    responses: { 200: { description: 'How many cases were deleted.', schema: PruneResultSchema }, ...errors },
    handler: async ({ deps }) => ({ deletedCases: await deps.store.diagnostics.prune(new Date(deps.clock.now())) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/admin/diagnostics/access-log',
    summary: 'Who opened or downloaded which case, newest first',
    tag: 'support',
    auth: 'admin',
    query: z.strictObject({ code: CaseCodeSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    responses: { 200: { description: 'Access log entries.', schema: AccessLogSchema }, 400: { description: 'Invalid query.' }, ...errors },
    handler: async ({ query, deps }) => ({
      entries: (await deps.store.diagnostics.accessLog(query.code, query.limit)).map((entry) => ({ ...entry, at: entry.at.toISOString() })),
    }),
  }),
];
