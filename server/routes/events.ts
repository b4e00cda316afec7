import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  DeviceEventSchema,
  EventBatchResultSchema,
  EventBatchSchema,
  InstallIdSchema,
  ReorderItemSchema,
  type DeviceEvent,
  type EventBatchResult,
} from '../../common/events.js';
import { INSTALL_ID_HEADER } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { requireInstallCredential } from '../http/install-credential.js';
import { defineRoute } from '../http/route.js';

/** A UUID-shaped id derived from text: the same order reported twice is the same conversion. */
function deterministicUuid(text: string): string {
  const hex = createHash('sha256').update(text, 'utf8').digest('hex');
  // Version 8 ("custom") and the RFC 9562 variant bits, so it is a valid UUID for the uuid column.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const ConversionSchema = z.strictObject({
  /** The `{ref}` the store URL carried. */
  ref: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  /** The store's order id; a repeated report of one order is counted once. */
  orderId: z.string().min(1).max(100),
  items: z.array(ReorderItemSchema).max(50).default([]),
  at: z.iso.datetime().optional(),
});

/** The membership part of a segments ETag: the same sorted names give the same digest on every node. */
function segmentsDigest(segments: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(segments), 'utf8').digest('base64url').slice(0, 22);
}

/** The segment ETags an If-None-Match names (`"s<version>-<digest>"`); anything else never matches. */
function offeredSegmentTags(header: string | undefined): { etag: string; version: number; digest: string }[] {
  if (header === undefined) return [];
  return header.split(',').flatMap((part) => {
    const match = /^(?:W\/)?("s(\d{1,15})-([A-Za-z0-9_-]{22})")$/.exec(part.trim());
    return match ? [{ etag: match[1]!, version: Number(match[2]), digest: match[3]! }] : [];
  });
}

/** Device routes for events and segments, and the store's conversion report. */
export const eventRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/events',
    summary: 'Upload a batch of engagement events; each event id is an idempotency key (a repeat is counted once)',
    tag: 'device',
    auth: 'none',
    rateLimited: true,
    body: EventBatchSchema,
    headers: [
      { name: INSTALL_ID_HEADER, description: 'The install id of the batch (rate-limit key).' },
      {
        name: 'authorization',
        description: "`Bearer <install credential>`: the credential registered for the batch's install id (POST /v1/installs).",
      },
    ],
    responses: {
      200: {
        description: 'Stored: counts of new and duplicate events; events that can never be stored are listed in `rejected`.',
        schema: EventBatchResultSchema,
      },
      400: { description: 'The batch envelope is invalid.' },
      401: { description: "No credential, or not the one registered for the batch's install id: nothing is stored." },
      413: { description: 'The body is larger than the server accepts; send smaller batches.' },
      429: { description: 'Too many uploads from this install; see Retry-After.' },
    },
    handler: async ({ body, request, deps }): Promise<EventBatchResult> => {
      await requireInstallCredential(deps, request, body.installId);
      const events: DeviceEvent[] = [];
      const rejected: EventBatchResult['rejected'] = [];
      body.events.forEach((raw, index) => {
        const parsed = DeviceEventSchema.safeParse(raw);
        if (parsed.success) events.push(parsed.data);
        else {
          const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? String((raw as { id: string }).id).slice(0, 64) : undefined;
          const problem = parsed.error.issues
            .slice(0, 3)
            .map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`)
            .join('; ');
          rejected.push({ index, ...(id !== undefined ? { id } : {}), problem });
        }
      });
      const stored = await deps.store.analytics.insertEvents(body.installId, body.consent, events, new Date(deps.clock.now()), {
        outbox: deps.crmOutbox === true,
      });
      return { ...stored, rejected };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/conversions',
    summary: 'The store reports an order placed through a reorder link (by its ref); recorded as a conversion of that campaign and variant',
    tag: 'store',
    auth: 'admin',
    body: ConversionSchema,
    responses: {
      200: { description: 'Recorded, or already recorded.', schema: z.object({ status: z.enum(['recorded', 'duplicate']) }) },
      404: { description: 'No reorder with this ref.' },
    },
    handler: async ({ body, deps }) => {
      const status = await deps.store.analytics.recordConversion(
        {
          id: deterministicUuid(`conversion:${body.ref}:${body.orderId}`),
          ref: body.ref,
          orderId: body.orderId,
          items: body.items,
          at: new Date(body.at ?? deps.clock.now()),
        },
        { outbox: deps.crmOutbox === true },
      );
      if (status === 'unknown-ref')
        throw new HttpError(
          404,
          'not-found',
          `No reorder with ref "${body.ref}" has been uploaded (yet); retry later if the app may still be offline.`,
        );
      return { status };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/segments/:installId',
    summary:
      'CRM segments of an install (for crm.segments in the targeting context); the app asks only with consent, with its credential; conditional GET with If-None-Match',
    tag: 'device',
    auth: 'none',
    rateLimited: true,
    params: z.object({ installId: InstallIdSchema }),
    headers: [
      { name: 'authorization', description: "`Bearer <install credential>` of this install: segments are the owner's, not public." },
      { name: 'If-None-Match', description: 'The ETag of the segments the app keeps; answers 304 when they are unchanged.' },
    ],
    responses: {
      200: {
        description: 'Segment names, sorted. Headers: ETag (strong), Cache-Control: private, no-cache.',
        schema: z.object({ segments: z.array(z.string()) }),
      },
      304: { description: 'Not modified: the segments the app keeps are current.' },
      401: { description: 'No credential, or not the one registered for this install id.' },
    },
    handler: async ({ params, request, reply, deps }) => {
      await requireInstallCredential(deps, request, params.installId);
      // Private (the owner's data) and revalidated on every use: a shared cache must not keep it, the app's copy must ask.
      void reply.header('cache-control', 'private, no-cache');
      const offered = offeredSegmentTags(request.headers['if-none-match']);
      // The version is read first: an import landing between the two reads then only costs one more full check.
      const version = await deps.store.analytics.segmentsVersion();
      const current = offered.find((tag) => tag.version === version);
      // No segment data changed since the app's answer: one row read, no membership query.
      if (current) return reply.header('etag', current.etag).code(304).send();
      const segments = await deps.store.analytics.segmentsFor(params.installId);
      const digest = segmentsDigest(segments);
      const etag = `"s${version}-${digest}"`;
      void reply.header('etag', etag);
      if (offered.some((tag) => tag.digest === digest)) return reply.code(304).send();
      return { segments };
    },
  }),
];
