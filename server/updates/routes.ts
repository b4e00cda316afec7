import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { SignedEnvelopeSchema } from '../../common/messages/index.js';
import { UpdateChannelSchema, UpdateFileNameSchema, UpdateReleaseSchema } from '../../common/updates.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../http/errors.js';
import { defineRoute, registerRoutes } from '../http/route.js';
import { blobUrl, MAX_BLOB_BYTES, ReleaseStoreError, type ReleaseStore } from './release-store.js';

/** The byte range a `Range` header asks for, `undefined` for the whole file, or `unsatisfiable`. Several ranges are answered with the whole file (RFC 9110 §14.2 lets a server ignore Range). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function releases(deps: ServerDeps): ReleaseStore {
  if (!deps.updates)
    throw new HttpError(404, 'updates-off', 'This server does not serve updates (start it with a data dir, as npm run server does).');
  return deps.updates;
}

function refusal(error: unknown): never {
  if (error instanceof ReleaseStoreError) {
    const status = error.code === 'too-large' ? 413 : error.code === 'older-version' ? 409 : 400;
    throw new HttpError(status, error.code, error.message);
  }
  throw error;
}

const BlobParamsSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/, 'A blob id is 64 lowercase hex digits.'),
  name: UpdateFileNameSchema,
});

/** Device-facing feed and blobs, and the admin route that makes a signed release current. */
export const updateRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/updates/:channel',
    summary: "Signed update metadata: the channel's current release (beta also gets a newer stable release)",
    tag: 'device',
    auth: 'none',
    params: z.object({ channel: UpdateChannelSchema }),
    responses: {
      200: {
        description: "SignedEnvelope whose payload is an UpdateRelease (common/updates.ts), signed by the publisher's update key.",
        schema: SignedEnvelopeSchema,
      },
      304: { description: 'Not modified.' },
      404: { description: 'Nothing published on this channel yet.' },
    },
    handler: async ({ params, request, reply, deps }) => {
      const feed = await releases(deps).feed(params.channel);
      if (!feed)
        throw new HttpError(404, 'not-found', `No ${params.channel} release has been published (npm run admin -- release publish).`);
      const etag = `"${feed.release.releaseId}-${feed.release.rolloutPercent}"`;
      void reply.header('etag', etag).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(feed.text);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/updates/blobs/:id/:name',
    summary: 'An installer file; supports Range requests so an interrupted download resumes',
    tag: 'device',
    auth: 'none',
    params: BlobParamsSchema,
    headers: [{ name: 'Range', description: 'bytes=START- (or START-END, -SUFFIX): answers 206 with that part.' }],
    responses: {
      200: { description: 'The whole file.', contentType: 'application/octet-stream' },
      206: { description: 'The requested range, with Content-Range.', contentType: 'application/octet-stream' },
      404: { description: 'No such file.' },
      416: { description: 'The range starts past the end of the file.' },
    },
    handler: async ({ params, request, reply, deps }) => sendBlob(reply, releases(deps), params.id, request.headers.range),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/admin/updates/releases/:channel',
    summary: 'Makes a signed release the current one of a channel (its files uploaded first)',
    tag: 'admin',
    auth: 'admin',
    params: z.object({ channel: UpdateChannelSchema }),
    body: SignedEnvelopeSchema,
    responses: {
      200: { description: 'The release as stored.', schema: UpdateReleaseSchema },
      400: { description: 'Not a release of this channel, or a file is missing or differs from its upload.' },
      409: { description: 'The channel already has a higher version.' },
    },
    handler: async ({ params, body, deps }) => releases(deps).putRelease(params.channel, JSON.stringify(body)).catch(refusal),
  }),
];

async function sendBlob(reply: FastifyReply, store: ReleaseStore, id: string, rangeHeader: string | undefined): Promise<FastifyReply> {
  const blob = await store.blob(id);
  if (!blob) throw new HttpError(404, 'not-found', `No update file ${id} on this server.`);
  // Content-addressed: the bytes under an id never change, so any cache may keep them.
  void reply
    .header('accept-ranges', 'bytes')
    .header('etag', `"${id}"`)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .type('application/octet-stream');
  const range = parseRange(rangeHeader, blob.size);
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${blob.size}`).send();
  }
  if (range === undefined) {
    return reply.header('content-length', String(blob.size)).send(createReadStream(blob.path));
  }
  return reply
    .code(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`)
    .header('content-length', String(range.end - range.start + 1))
    .send(createReadStream(blob.path, { start: range.start, end: range.end }));
}

/** What the blob upload answers: the id, size and digest the server computed, and the URL a release names it by. */
export const BlobResultSchema = z.object({ id: z.string(), size: z.number(), sha512: z.string(), url: z.string() });
export type BlobResult = z.infer<typeof BlobResultSchema>;

/**
 * PUT /v1/admin/updates/blobs?name=FILE: an installer as the raw body (application/octet-stream),
 * streamed to disk and hashed on the way, up to MAX_BLOB_BYTES. Registered in its own scope
 * (registerUpdateUploads) because it is the one route whose body is neither JSON nor bounded by the
 * server's JSON body limit; it is in the OpenAPI document like every other route.
 */
export const updateUploadRoutes = [
  defineRoute({
    method: 'PUT',
    url: '/v1/admin/updates/blobs',
    summary: 'Upload an installer or update file; answers its id, size, SHA-512 and the URL a release names it by',
    tag: 'updates',
    auth: 'admin',
    query: z.object({ name: UpdateFileNameSchema }),
    rawBody: { contentType: 'application/octet-stream', description: `The file's bytes, at most ${MAX_BLOB_BYTES} bytes.` },
    responses: {
      200: { description: 'Stored (a file already stored answers the same id).', schema: BlobResultSchema },
      404: { description: 'This server does not serve updates.' },
      413: { description: `The file is larger than ${MAX_BLOB_BYTES} bytes.` },
    },
    handler: async ({ query, request, deps }): Promise<BlobResult> => {
      if (request.headers['content-type'] !== 'application/octet-stream') {
        throw new HttpError(
          415,
          'unsupported-media-type',
          'Send the installer as the raw body with Content-Type: application/octet-stream.',
        );
      }
      const length = Number(request.headers['content-length'] ?? 0);
      if (length > MAX_BLOB_BYTES) throw new HttpError(413, 'too-large', `The file is larger than ${MAX_BLOB_BYTES} bytes.`);
      const stored = await releases(deps)
        .putBlob(request.body as Readable)
        .catch(refusal);
      return { ...stored, url: blobUrl(stored.id, query.name) };
    },
  }),
];

/** Registers the upload in a scope whose octet-stream bodies reach the handler as the request stream. */
export async function registerUpdateUploads(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    registerRoutes(scope, deps, updateUploadRoutes);
  });
}
