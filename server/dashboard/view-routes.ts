import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CampaignStatsSchema } from '../../common/analytics.js';
import { DashboardCampaignsSchema, DashboardSessionSchema, type DashboardCampaigns } from '../../common/dashboard.js';
import { SlugSchema } from '../../common/messages/index.js';
import type { ServerDeps } from '../deps.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { DeviceRateLimiter, enforceLimit } from '../http/rate-limit.js';
import { defineRoute, type Route } from '../http/route.js';
import { registerWebView } from '../http/web-view.js';
import { campaignStats } from '../routes/stats.js';
import { AdminSessions } from './admin-session.js';
import { DASHBOARD_VIEW_FILES, DashboardViewAssets } from './view-assets.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trayside campaign dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard-view.css">
<script src="/dashboard/assets/dashboard-view.js" defer></script>
</head>
<body>
<main id="app"><noscript>The campaign dashboard needs JavaScript.</noscript></main>
</body>
</html>
`;

const SignInSchema = z.strictObject({ token: z.string().trim().min(1, 'Paste your admin token.').max(300) });

/** How the dashboard is set up: sign-in attempts per address and how long a sign-in lasts. */
export interface DashboardConfig {
  signInLimit: { max: number; timeWindowMs: number };
  sessionHours: number;
}

const DEFAULT_CONFIG: DashboardConfig = { signInLimit: { max: 10, timeWindowMs: 60_000 }, sessionHours: 8 };

/** The page and its script and styles: no sign-in needed, nothing in them but code. */
function pageRoutes(assets: DashboardViewAssets): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/dashboard',
      summary: 'The campaign dashboard (sign in with an admin token): per campaign and variant, exposures to uplift',
      tag: 'dashboard',
      auth: 'none',
      responses: { 200: { description: 'The page.', contentType: 'text/html' } },
      handler: async ({ reply }) => reply.type('text/html; charset=utf-8').send(PAGE),
    }),
    defineRoute({
      method: 'GET',
      url: '/dashboard/assets/:file',
      summary: "The dashboard's script and styles",
      tag: 'dashboard',
      auth: 'none',
      params: z.object({ file: z.string().max(60) }),
      responses: { 200: { description: 'The file.' }, 404: { description: 'No such file.' } },
      handler: async ({ params, reply }) => {
        const type = DASHBOARD_VIEW_FILES[params.file];
        const body = type === undefined ? undefined : await assets.file(params.file);
        if (type === undefined || body === undefined) throw new HttpError(404, 'not-found', `No dashboard file ${params.file}.`);
        return reply.type(type).header('cache-control', 'no-cache').send(body);
      },
    }),
  ];
}

/** Sign-in with an admin token (rate-limited per address), sign-out, and whether the browser is signed in. */
function sessionRoutes(config: DashboardConfig, sessions: AdminSessions): Route[] {
  const signIns = new DeviceRateLimiter(config.signInLimit.max, config.signInLimit.timeWindowMs);

  return [
    defineRoute({
      method: 'POST',
      url: '/dashboard/api/sign-in',
      summary: 'Sign in with an admin token; answers a session cookie (HttpOnly, SameSite=Strict)',
      tag: 'dashboard',
      auth: 'none',
      body: SignInSchema,
      responses: {
        200: { description: 'Signed in.', schema: DashboardSessionSchema },
        401: { description: 'Not an admin token known to the server.' },
        429: { description: 'Too many attempts.' },
      },
      handler: async ({ body, request, reply, deps }) => {
        enforceLimit(signIns, `ip:${request.ip}`, deps.clock.now(), reply, 'sign-in attempts from this address');
        const hash = hashToken(body.token);
        const role = await deps.store.tokenRole(hash);
        if (role !== 'admin') {
          const hint =
            role !== null || /^ts_(support|device|install)_/.test(body.token)
              ? ' That is a device or support token; the dashboard takes an admin token (ts_admin_…).'
              : ' The server writes one to admin-token in its data directory (--data-dir) on first start, or takes it from TRAYSIDE_ADMIN_TOKEN; `npm run admin -- mint-token admin NAME` makes another.';
          throw new HttpError(401, 'unknown-token', `This admin token is not known to the server.${hint}`);
        }
        sessions.start(deps, hash, request, reply);
        return { signedIn: true, role: 'admin' };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/dashboard/api/sign-out',
      summary: 'End the dashboard session',
      tag: 'dashboard',
      auth: 'none',
      responses: { 204: { description: 'Signed out.' } },
      handler: async ({ request, reply }) => {
        sessions.end(request, reply);
        return reply.code(204).send();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/dashboard/api/session',
      summary: 'Whether the browser is signed in',
      tag: 'dashboard',
      auth: 'none',
      responses: { 200: { description: 'Signed in.', schema: DashboardSessionSchema }, 401: { description: 'Not signed in.' } },
      handler: async ({ request, deps }) => {
        await sessions.require(deps, request);
        return { signedIn: true, role: 'admin' };
      },
    }),
  ];
}

/** What a signed-in admin reads: the campaigns, and one campaign's report. */
function dataRoutes(sessions: AdminSessions): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/dashboard/api/campaigns',
      summary: 'Campaigns with name and status, live first, then drafts, then archived; newest first within each',
      tag: 'dashboard',
      auth: 'none',
      responses: { 200: { description: 'Campaigns.', schema: DashboardCampaignsSchema }, 401: { description: 'Not signed in.' } },
      handler: async ({ request, deps }): Promise<DashboardCampaigns> => {
        await sessions.require(deps, request);
        const order = { live: 0, draft: 1, archived: 2 } as const;
        const records = await deps.store.listCampaigns();
        const campaigns = records
          .map((record) => ({
            id: record.id,
            name: record.campaign.name,
            status: record.status,
            publishedAt: record.publishedAt,
            updatedAt: record.updatedAt,
          }))
          .sort((a, b) => order[a.status] - order[b.status] || b.updatedAt.localeCompare(a.updatedAt));
        return { campaigns };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/dashboard/api/stats/:campaignId',
      summary: 'The same report as GET /v1/admin/stats/:campaignId, for the signed-in dashboard',
      tag: 'dashboard',
      auth: 'none',
      params: z.object({ campaignId: SlugSchema }),
      responses: {
        200: { description: 'The report.', schema: CampaignStatsSchema },
        401: { description: 'Not signed in.' },
        404: { description: 'No such campaign and no events for it.' },
      },
      handler: async ({ params, request, deps }) => {
        await sessions.require(deps, request);
        return campaignStats(deps, params.campaignId);
      },
    }),
  ];
}

/** Campaign dashboard for the OEM's marketing team: the page, its assets, sign-in with an admin token, campaigns and their stats. */
export function dashboardViewRoutes(config: DashboardConfig = DEFAULT_CONFIG, assets = new DashboardViewAssets()): Route[] {
  const sessions = new AdminSessions(config.sessionHours);
  return [...pageRoutes(assets), ...sessionRoutes(config, sessions), ...dataRoutes(sessions)];
}

/** Registers the view in a scope of its own, with the web views' security headers (server/http/web-view.ts). */
export function registerDashboardView(app: FastifyInstance, deps: ServerDeps, routes: readonly Route[]): Promise<void> {
  return registerWebView(app, deps, routes);
}
