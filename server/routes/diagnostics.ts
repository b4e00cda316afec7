import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  UploadHeadersSchema,
  UploadResponseSchema,
  CaseCodeSchema,
  DIAGNOSTICS_PATH,
  type UploadResponse,
} from '../../common/diagnostics/api.js';
import { parseBundle, type DiagnosticsBundle } from '../../common/diagnostics/bundle.js';
import { newCaseCode } from '../../common/diagnostics/case-code.js';
import { describeError } from '../../common/errors.js';
import type { ServerDeps } from '../deps.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { DeviceRateLimiter, rateLimitKey } from '../http/rate-limit.js';
import { defineRoute, registerRoutes, type Route } from '../http/route.js';
import { DAY_MS, type DiagnosticsConfig } from '../support/config.js';
import { readUploadBody, UploadBody } from '../support/upload-body.js';
import type { CaseSummary } from '../store/diagnostics-store.js';

/** What support sees about a case before opening it. */
function summarize(bundle: DiagnosticsBundle): CaseSummary {
  return {
    appVersion: bundle.app.version,
    host: bundle.app.host,
    platform: `${bundle.os.platform} ${bundle.os.release}`,
    devices: bundle.devices.map((device) => `${device.manufacturer} ${device.model}`.trim()),
    capturedAt: bundle.capturedAt,
  };
}

/** Why JSON.parse refused the text, in words; the end of the text means the upload was cut short. */
function jsonProblem(text: string): { code: string; message: string } {
  try {
    JSON.parse(text);
    return { code: 'invalid-bundle', message: 'The body is not a diagnostics bundle.' };
  } catch (error) {
    const reason = describeError(error);
    if (text.trim() === '') return { code: 'invalid-bundle', message: 'The body is empty; send the bundle JSON the app captured.' };
    if (/end of (JSON )?input|Unterminated/i.test(reason)) {
      return {
        code: 'bundle-truncated',
        message: `The bundle ends early (${reason}): the upload was cut off or the file is incomplete. Nothing was stored; upload again.`,
      };
    }
    return { code: 'invalid-bundle', message: `The body is not valid JSON (${reason}). Send the bundle exactly as the app wrote it.` };
  }
}

const uploadBody = z.custom<UploadBody>((value) => value instanceof UploadBody, 'the diagnostics bundle JSON');

/** The first value of a header (Node joins repeated ones for some headers and not others). */
function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Upload and delete of diagnostics bundles (common/diagnostics/api.ts is the contract). */
export function diagnosticsRoutes(config: DiagnosticsConfig): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: DIAGNOSTICS_PATH,
      summary: 'Upload a diagnostics bundle (JSON, gzip allowed); answers a case code for support and a delete token for the owner',
      tag: 'device',
      auth: 'none',
      rateLimited: true,
      body: uploadBody,
      headers: [
        { name: 'x-trayside-install', description: 'The install id (rate-limit key; support sees earlier cases of the install).' },
        {
          name: 'idempotency-key',
          description: 'A retried upload with the same key and bundle answers the same case code (with a new delete token).',
        },
        { name: 'content-encoding', description: 'gzip, or none.' },
      ],
      responses: {
        201: {
          description: 'Stored (or, with an idempotency key seen before for the same bundle, found again; then Idempotent-Replayed: true).',
          schema: UploadResponseSchema,
        },
        400: { description: 'Truncated, not JSON, or not a valid bundle; the message names the field. Nothing was stored.' },
        413: { description: `The bundle is over the server's limit (${config.maxBytes} bytes of JSON by default).` },
        415: { description: 'Not sent as application/json, or an unsupported Content-Encoding.' },
        422: { description: 'The idempotency key was used before for another bundle.' },
        429: { description: 'Too many uploads from this install (20 an hour by default); see Retry-After.' },
      },
      handler: async ({ body, request, reply, deps }): Promise<UploadResponse> => {
        const headers = UploadHeadersSchema.safeParse({
          'x-trayside-install': header(request.headers['x-trayside-install']),
          'idempotency-key': header(request.headers['idempotency-key']),
        });
        if (!headers.success)
          throw new HttpError(400, 'invalid-request', 'Idempotency-Key must be 8–200 characters and X-Trayside-Install 1–200 characters.');
        const parsed = parseBundle(body.text);
        if (!parsed.ok) {
          const problem =
            parsed.problem === 'not JSON'
              ? jsonProblem(body.text)
              : { code: 'invalid-bundle', message: `The body is not a valid diagnostics bundle: ${parsed.problem}. Nothing was stored.` };
          throw new HttpError(400, problem.code, problem.message);
        }
        const deleteToken = randomBytes(32).toString('base64url');
        const now = new Date(deps.clock.now());
        const stored = await deps.store.diagnostics.insertCase({
          newCode: () => newCaseCode((bytes) => randomFillSync(bytes)),
          deleteTokenHash: hashToken(deleteToken),
          installId: headers.data['x-trayside-install'] ?? null,
          idempotencyKey: headers.data['idempotency-key'] ?? null,
          contentHash: createHash('sha256').update(body.text, 'utf8').digest('hex'),
          uploadedAt: now,
          expiresAt: new Date(now.getTime() + config.retentionDays * DAY_MS),
          compressed: body.compressed,
          bytes: body.bytes,
          summary: summarize(parsed.bundle),
        });
        if (stored.status === 'conflict') {
          throw new HttpError(
            422,
            'idempotency-key-reused',
            'This Idempotency-Key was already used for a different bundle; use a new key for a new capture.',
          );
        }
        if (stored.status === 'repeated') void reply.header('idempotent-replayed', 'true');
        void reply.code(201);
        return { caseCode: stored.code, expiresAt: stored.expiresAt.getTime(), deleteToken };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${DIAGNOSTICS_PATH}/:code`,
      summary: "Delete an uploaded case with the delete token from the upload's answer",
      tag: 'device',
      auth: 'none',
      rateLimited: true,
      params: z.object({ code: CaseCodeSchema }),
      responses: {
        204: { description: 'Deleted.' },
        401: { description: 'No "Authorization: Bearer <deleteToken>" header.' },
        403: { description: 'The delete token is not the one this case was uploaded with.' },
        404: { description: 'No such case: unknown, expired or already deleted.' },
      },
      handler: async ({ params, request, reply, deps }) => {
        const match = /^Bearer\s+(\S{16,200})$/i.exec(request.headers.authorization ?? '');
        if (match === null)
          throw new HttpError(401, 'unauthorized', 'Send "Authorization: Bearer <deleteToken>" with the delete token the upload answered.');
        const now = new Date(deps.clock.now());
        if (await deps.store.diagnostics.deleteCase(params.code, hashToken(match[1]!), now)) return reply.code(204).send();
        if ((await deps.store.diagnostics.getCase(params.code, now)) === null) {
          throw new HttpError(404, 'case-not-found', `No case ${params.code}: it expired, was already deleted, or the code is wrong.`);
        }
        throw new HttpError(
          403,
          'forbidden',
          `The delete token is not the one case ${params.code} was uploaded with; only the app that uploaded it can delete it.`,
        );
      },
    }),
  ];
}

/**
 * Serves the diagnostics routes in a scope of their own: its only body parser takes application/json
 * as a raw stream, read here within the diagnostics limit (the rest of the API keeps its 256 KiB
 * JSON parser), gzip allowed. The bundle is parsed in full before anything is stored.
 */
export async function registerDiagnosticsRoutes(
  app: FastifyInstance,
  deps: ServerDeps,
  config: DiagnosticsConfig,
  routes: readonly Route[],
): Promise<void> {
  const uploads = new DeviceRateLimiter(config.uploadLimit.max, config.uploadLimit.timeWindowMs);
  await app.register(async (scope) => {
    // Counted before the body is read: refusing a flood after reading megabytes each would be too late.
    scope.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'POST') return;
      const now = deps.clock.now();
      if (uploads.hit(rateLimitKey(request.raw), now)) return;
      const retry = uploads.retryAfterSeconds(now);
      void reply.header('retry-after', String(retry));
      throw new HttpError(
        429,
        'rate-limited',
        `Too many diagnostics uploads from this install (limit ${uploads.max} per ${Math.round(uploads.windowMs / 60_000)} min); retry in ${retry} s, or export the bundle as a file instead.`,
      );
    });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', (request: FastifyRequest, payload: IncomingMessage) =>
      readUploadBody(payload, request.headers, config.maxBytes),
    );
    registerRoutes(scope, deps, routes);
  });
}

/** Deletes expired cases and sessions now and every interval; a failure is logged and retried at the next. */
export function startDiagnosticsPrune(app: FastifyInstance, deps: ServerDeps, config: DiagnosticsConfig): void {
  const run = async (): Promise<void> => {
    try {
      const deleted = await deps.store.diagnostics.prune(new Date(deps.clock.now()));
      if (deleted > 0) app.log.info(`diagnostics retention: deleted ${deleted} expired cases (kept ${config.retentionDays} days)`);
    } catch (error) {
      app.log.warn(`diagnostics prune failed (retried at the next interval): ${describeError(error)}`);
    }
  };
  const first = run();
  const timer = setInterval(() => void run(), config.pruneIntervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await first;
  });
}
