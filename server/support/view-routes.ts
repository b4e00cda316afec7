import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseCaseCode } from '../../common/diagnostics/case-code.js';
import type { ServerDeps } from '../deps.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { DeviceRateLimiter, enforceLimit } from '../http/rate-limit.js';
import { defineRoute, type Route } from '../http/route.js';
import { registerWebView } from '../http/web-view.js';
import type { StoredCase, SupportScope, SupportTokenInfo } from '../store/diagnostics-store.js';
import type { DiagnosticsConfig } from './config.js';
import { endSession, startSession, supportTokenOf } from './support-session.js';
import { SUPPORT_VIEW_FILES, SupportViewAssets } from './view-assets.js';

const gunzipAsync = promisify(gunzip);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trayside support</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/support/assets/support-view.css">
<script src="/support/assets/support-view.js" defer></script>
</head>
<body>
<main id="app"><noscript>The support view needs JavaScript.</noscript></main>
</body>
</html>
`;

const SignInSchema = z.strictObject({ token: z.string().trim().min(1, 'Paste your support token.').max(300) });
const CodeParams = z.object({ code: z.string().max(40) });

/** The one answer for a code that is unknown, expired, deleted, or not open to this token. */
function caseNotFound(code: string, config: DiagnosticsConfig): HttpError {
  return new HttpError(
    404,
    'case-not-found',
    `No case ${code} is open to you. Cases are kept ${config.retentionDays} days after upload and the owner can delete one sooner; the code may also have been misheard. Ask the owner to read it again, or to upload a new capture.`,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts one request against a limiter of the support view (server/http/rate-limit.ts). */
const limit = (limiter: DeviceRateLimiter, key: string, deps: ServerDeps, reply: FastifyReply, what: string): void =>
  enforceLimit(limiter, key, deps.clock.now(), reply, what);

/** The page and its script and styles: no sign-in needed, nothing in them but code. */
function supportPageRoutes(assets: SupportViewAssets): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/support',
      summary: 'The support web view (sign in with a support token, open a case code)',
      tag: 'support-view',
      auth: 'none',
      responses: { 200: { description: 'The page.', contentType: 'text/html' } },
      handler: async ({ reply }) => reply.type('text/html; charset=utf-8').send(PAGE),
    }),
    defineRoute({
      method: 'GET',
      url: '/support/assets/:file',
      summary: "The support view's script and styles",
      tag: 'support-view',
      auth: 'none',
      params: z.object({ file: z.string().max(60) }),
      responses: { 200: { description: 'The file.' }, 404: { description: 'No such file.' } },
      handler: async ({ params, reply }) => {
        const type = SUPPORT_VIEW_FILES[params.file];
        const body = type === undefined ? undefined : await assets.file(params.file);
        if (type === undefined || body === undefined) throw new HttpError(404, 'not-found', `No support view file ${params.file}.`);
        return reply.type(type).header('cache-control', 'no-cache').send(body);
      },
    }),
  ];
}

/** Sign-in with a support token (rate-limited per address), sign-out, and who is signed in. */
function supportSessionRoutes(config: DiagnosticsConfig): Route[] {
  const signIns = new DeviceRateLimiter(config.signInLimit.max, config.signInLimit.timeWindowMs);
  return [
    defineRoute({
      method: 'POST',
      url: '/support/api/sign-in',
      summary: 'Sign in with a support token; answers a session cookie (HttpOnly, SameSite=Strict)',
      tag: 'support-view',
      auth: 'none',
      body: SignInSchema,
      responses: {
        200: { description: 'Signed in.' },
        401: { description: 'Unknown or revoked token.' },
        429: { description: 'Too many attempts.' },
      },
      handler: async ({ body, request, reply, deps }) => {
        limit(signIns, `ip:${request.ip}`, deps, reply, 'sign-in attempts from this address');
        const token = /^ts_support_/.test(body.token)
          ? await deps.store.diagnostics.supportTokenByHash(hashToken(body.token), new Date(deps.clock.now()))
          : null;
        if (token === null) {
          const hint = /^ts_(admin|device)_/.test(body.token)
            ? ' That is an admin or device token; the support view takes support tokens (ts_support_…), which an admin makes with `npm run admin -- support-token create NAME`.'
            : ' Ask an admin for a support token (`npm run admin -- support-token create NAME`).';
          throw new HttpError(401, 'unknown-token', `This support token is not known to the server or was revoked.${hint}`);
        }
        await startSession(deps, token, request, reply, config.sessionHours);
        return { name: token.name, scopes: token.scopes };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/support/api/sign-out',
      summary: 'End the support session',
      tag: 'support-view',
      auth: 'none',
      responses: { 204: { description: 'Signed out.' } },
      handler: async ({ request, reply, deps }) => {
        await endSession(deps, request, reply);
        return reply.code(204).send();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/support/api/session',
      summary: 'Who is signed in',
      tag: 'support-view',
      auth: 'none',
      responses: { 200: { description: 'The token name and scopes.' }, 401: { description: 'Not signed in.' } },
      handler: async ({ request, deps }) => {
        const token = await supportTokenOf(deps, request);
        return { name: token.name, scopes: token.scopes, retentionDays: config.retentionDays };
      },
    }),
  ];
}

/** A case and its bundle by code, for a signed-in support token, each lookup logged. */
function supportCaseRoutes(config: DiagnosticsConfig): Route[] {
  const lookups = new DeviceRateLimiter(config.lookupLimit.max, config.lookupLimit.timeWindowMs);
  const lookupsByAddress = new DeviceRateLimiter(config.lookupLimit.max * 4, config.lookupLimit.timeWindowMs);

  /**
   * Finds a case for a signed-in support token and logs the access. The answer comes no sooner than
   * lookupFloorMs after the request, found or not, so timing does not tell codes apart.
   */
  async function lookUp(
    deps: ServerDeps,
    request: FastifyRequest,
    reply: FastifyReply,
    input: string,
    scope: SupportScope,
  ): Promise<{ found: StoredCase; token: SupportTokenInfo }> {
    const token = await supportTokenOf(deps, request);
    // Both are counted, so neither one token from many addresses nor many tokens from one address can try codes fast.
    limit(lookups, `token:${token.id}`, deps, reply, 'case lookups with this support token');
    limit(lookupsByAddress, `ip:${request.ip}`, deps, reply, 'case lookups from this address');
    const started = performance.now();
    const answerAt = async (): Promise<void> => sleep(Math.max(0, started + config.lookupFloorMs - performance.now()));
    const parsed = parseCaseCode(input);
    if (!parsed.ok) {
      await answerAt();
      // The check character is public: a typo says so, which tells nothing about which codes exist.
      throw new HttpError(400, `case-code-${parsed.reason}`, parsed.message);
    }
    const found = await deps.store.diagnostics.getCase(parsed.code, new Date(deps.clock.now()));
    if (found === null || !token.scopes.includes(scope)) {
      await answerAt();
      throw caseNotFound(parsed.code, config);
    }
    await deps.store.diagnostics.logAccess({
      at: new Date(deps.clock.now()),
      caseCode: found.code,
      tokenId: token.id,
      tokenName: token.name,
      action: scope,
      remote: request.ip,
    });
    await answerAt();
    return { found, token };
  }

  async function bundleText(found: StoredCase): Promise<string> {
    return (await gunzipAsync(found.compressed)).toString('utf8');
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/support/api/cases/:code',
      summary: 'Open a case: its bundle, parsed, and when it was uploaded and expires (logged in the access log)',
      tag: 'support-view',
      auth: 'none',
      params: CodeParams,
      responses: {
        200: { description: 'The case.' },
        400: { description: 'The code has a typo.' },
        401: { description: 'Not signed in.' },
        404: { description: 'Unknown, expired, deleted or not open to this token.' },
        429: { description: 'Too many lookups.' },
      },
      handler: async ({ params, request, reply, deps }) => {
        const { found, token } = await lookUp(deps, request, reply, params.code, 'open');
        const meta = {
          code: found.code,
          uploadedAt: found.uploadedAt.getTime(),
          expiresAt: found.expiresAt.getTime(),
          bytes: found.bytes,
          canDownload: token.scopes.includes('download'),
        };
        // The stored text passed the bundle schema at upload and the view parses it with the same
        // schema again, so it goes out as it is: parsing and re-serialising 8 MB here took seconds.
        return reply.type('application/json; charset=utf-8').send(`{"case":${JSON.stringify(meta)},"bundle":${await bundleText(found)}}`);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/support/api/cases/:code/bundle',
      summary: 'Download the raw bundle exactly as uploaded (logged in the access log)',
      tag: 'support-view',
      auth: 'none',
      params: CodeParams,
      responses: { 200: { description: 'The bundle JSON.' }, 404: { description: 'Unknown, expired, deleted or not open to this token.' } },
      handler: async ({ params, request, reply, deps }) => {
        const { found } = await lookUp(deps, request, reply, params.code, 'download');
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="trayside-case-${found.code}.json"`)
          .send(await bundleText(found));
      },
    }),
  ];
}

/** Support view: the page, its assets, sign-in, and case lookups with an access log. */
export function supportViewRoutes(config: DiagnosticsConfig, assets: SupportViewAssets = new SupportViewAssets()): Route[] {
  return [...supportPageRoutes(assets), ...supportSessionRoutes(config), ...supportCaseRoutes(config)];
}

/** Registers the view in a scope of its own, with the web views' security headers (server/http/web-view.ts). */
export function registerSupportView(app: FastifyInstance, deps: ServerDeps, routes: readonly Route[]): Promise<void> {
  return registerWebView(app, deps, routes);
}
