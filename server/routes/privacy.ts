import { z } from 'zod';
import { InstallIdSchema } from '../../common/events.js';
import {
  ALL_SCOPES,
  InstallRegistrationResultSchema,
  InstallRegistrationSchema,
  PrivacyExportSchema,
  PrivacyReceiptSchema,
  PrivacyRequestBodySchema,
  type PrivacyReceipt,
} from '../../common/privacy.js';
import type { ServerDeps } from '../deps.js';
import { hashToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { credentialOf, requireInstallCredential } from '../http/install-credential.js';
import { defineRoute } from '../http/route.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Registration is the one device write without a credential, so it is limited per remote address
 * (install ids are free to make up, so a per-install limit would not bound it). The default
 * leaves room for a fleet behind one NAT registering after a silent install.
 */
function limitRegistration(deps: ServerDeps, request: FastifyRequest, reply: FastifyReply): void {
  const limiter = deps.registrationLimiter;
  if (limiter === undefined) return;
  const now = deps.clock.now();
  if (limiter.hit(`register:${request.socket.remoteAddress ?? 'unknown'}`, now)) return;
  const retry = limiter.retryAfterSeconds(now);
  void reply.header('retry-after', String(retry));
  throw new HttpError(
    429,
    'rate-limited',
    `Too many install registrations from this address (limit ${limiter.max} per ${limiter.windowMs / 1000} s); retry in ${retry} s.`,
  );
}

/**
 * Runs a pending request's work now. A store failure leaves the receipt pending, and the next
 * poll of the receipt tries again, so a request once acknowledged always finishes.
 */
async function completeNow(deps: ServerDeps, installId: string, receipt: PrivacyReceipt): Promise<PrivacyReceipt> {
  if (receipt.status === 'completed') return receipt;
  try {
    return (
      (await deps.store.privacy.complete(installId, receipt.id, new Date(deps.clock.now()), { crm: deps.crmOutbox === true })) ?? receipt
    );
  } catch {
    return receipt;
  }
}

const InstallParams = z.object({ installId: InstallIdSchema });
const RequestParams = z.object({ installId: InstallIdSchema, requestId: z.uuid() });
const CREDENTIAL_HEADER = [{ name: 'authorization', description: '`Bearer <install credential>` of this install.' }];
const RECEIPT_RESPONSES = {
  200: {
    description: 'The receipt: pending while the work runs, completed with the time and what was found or removed.',
    schema: PrivacyReceiptSchema,
  },
  401: { description: 'No credential, or not the one registered for this install.' },
  409: { description: 'The request id belongs to another install; make a new one.' },
};

function requestRoute(kind: PrivacyReceipt['kind'], url: string, summary: string) {
  return defineRoute({
    method: 'POST',
    url,
    summary,
    tag: 'device',
    auth: 'none',
    rateLimited: true,
    params: InstallParams,
    body: PrivacyRequestBodySchema,
    headers: CREDENTIAL_HEADER,
    responses: RECEIPT_RESPONSES,
    handler: async ({ params, body, request, deps }) => {
      await requireInstallCredential(deps, request, params.installId);
      const scopes = kind === 'export' ? ALL_SCOPES : (body.scopes ?? ALL_SCOPES);
      const created = await deps.store.privacy.createRequest(
        { id: body.requestId, installId: params.installId, kind, scopes },
        new Date(deps.clock.now()),
      );
      if (created === 'other-install')
        throw new HttpError(
          409,
          'conflict',
          `Request ${body.requestId} is not one of install ${params.installId}'s; make a new request id.`,
        );
      return completeNow(deps, params.installId, created);
    },
  });
}

/** Install registration, and the owner's "download my data" and "delete my data" with receipts. */
export const privacyRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/installs',
    summary:
      'Registers the credential an install made at first run (the server keeps its SHA-256); the same pair again is fine, another credential for a registered id is refused',
    tag: 'device',
    auth: 'none',
    body: InstallRegistrationSchema,
    headers: [{ name: 'authorization', description: '`Bearer <install credential>`: the credential to register for the install id.' }],
    responses: {
      200: {
        description: 'Already registered with this credential (a retry after a lost answer).',
        schema: InstallRegistrationResultSchema,
      },
      201: { description: 'Registered.', schema: InstallRegistrationResultSchema },
      401: { description: 'No credential, or not shaped like one.' },
      409: { description: 'The install id is registered with another credential.' },
      429: { description: 'Too many registrations from this address; see Retry-After.' },
    },
    handler: async ({ body, request, reply, deps }) => {
      limitRegistration(deps, request, reply);
      const credential = credentialOf(request);
      const status = await deps.store.privacy.registerInstall(body.installId, hashToken(credential), new Date(deps.clock.now()));
      if (status === 'conflict') {
        throw new HttpError(
          409,
          'install-taken',
          `Install ${body.installId} is registered with another credential. The app keeps its credential next to its install id; a copied or restored profile needs a new install id.`,
        );
      }
      void reply.code(status === 'registered' ? 201 : 200);
      return { installId: body.installId, status };
    },
  }),
  requestRoute(
    'export',
    '/v1/privacy/:installId/exports',
    'Download my data: gathers everything the server holds for the install; the receipt names the export to download',
  ),
  requestRoute(
    'deletion',
    '/v1/privacy/:installId/deletions',
    "Delete my data: removes the install's events, CRM outbox rows, segments and links (usage) and diagnostics cases (support); the CRM gets a deletion event",
  ),
  defineRoute({
    method: 'GET',
    url: '/v1/privacy/:installId/requests/:requestId',
    summary: 'A receipt of an export or deletion request (a pending one is worked on again)',
    tag: 'device',
    auth: 'none',
    rateLimited: true,
    params: RequestParams,
    headers: CREDENTIAL_HEADER,
    responses: { ...RECEIPT_RESPONSES, 404: { description: 'No such request for this install.' } },
    handler: async ({ params, request, reply, deps }) => {
      await requireInstallCredential(deps, request, params.installId);
      void reply.header('cache-control', 'no-store');
      const receipt = await deps.store.privacy.receipt(params.installId, params.requestId);
      if (receipt === null) throw new HttpError(404, 'not-found', `Install ${params.installId} has no request ${params.requestId}.`);
      return completeNow(deps, params.installId, receipt);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/privacy/:installId/requests',
    summary: "The install's export and deletion receipts, newest first (at most 50)",
    tag: 'device',
    auth: 'none',
    rateLimited: true,
    params: InstallParams,
    headers: CREDENTIAL_HEADER,
    responses: {
      200: { description: 'Receipts.', schema: z.object({ requests: z.array(PrivacyReceiptSchema) }) },
      401: RECEIPT_RESPONSES[401],
    },
    handler: async ({ params, request, reply, deps }) => {
      await requireInstallCredential(deps, request, params.installId);
      void reply.header('cache-control', 'no-store');
      return { requests: await deps.store.privacy.receipts(params.installId) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/privacy/:installId/exports/:requestId',
    summary: 'The data of a completed export, as JSON',
    tag: 'device',
    auth: 'none',
    rateLimited: true,
    params: RequestParams,
    headers: CREDENTIAL_HEADER,
    responses: {
      200: { description: 'Everything the server held for the install when the export completed.', schema: PrivacyExportSchema },
      401: RECEIPT_RESPONSES[401],
      404: { description: 'No completed export with this id (or a later deletion erased it).' },
    },
    handler: async ({ params, request, reply, deps }) => {
      await requireInstallCredential(deps, request, params.installId);
      const body = await deps.store.privacy.exportBody(params.installId, params.requestId);
      if (body === null)
        throw new HttpError(
          404,
          'not-found',
          `Install ${params.installId} has no completed export ${params.requestId} (a later deletion erases exports too); request a new one.`,
        );
      void reply
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="trayside-data-${params.installId}.json"`)
        .type('application/json');
      return reply.send(body);
    },
  }),
];
