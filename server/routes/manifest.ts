import { z } from 'zod';
import { SignedEnvelopeSchema, SigningKeyInfoSchema, SlugSchema } from '../../common/messages/index.js';
import { INSTALL_ID_HEADER } from '../http/auth.js';
import { defineRoute, enforceDeviceLimit } from '../http/route.js';
import { etagMatches, manifestHeaders } from '../manifest/fast-path.js';

/** Accepts any case (`de-de`) and answers under the canonical tag, so every spelling shares one cache entry. */
const PollLocaleSchema = z
  .string()
  .max(35)
  .transform((value, ctx) => {
    try {
      const canonical = Intl.getCanonicalLocales(value)[0];
      if (canonical !== undefined) return canonical;
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a BCP 47 locale tag (e.g. "en", "de-DE").` });
    return z.NEVER;
  });

/** Device-facing routes: the signed manifest of a segment and the public key. */
export const manifestRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/manifests/:productLine/:locale',
    summary: 'Signed manifest of a coarse segment (product line × locale); conditional GET with If-None-Match',
    tag: 'device',
    auth: 'none',
    // A poll the cache answers is never limited (CDN-cacheable, one lookup); one that makes this node build is.
    rateLimited: 'uncached',
    params: z.object({ productLine: SlugSchema, locale: PollLocaleSchema }),
    headers: [
      { name: 'If-None-Match', description: 'The ETag of the cached manifest; answers 304 when unchanged.' },
      {
        name: INSTALL_ID_HEADER,
        description:
          'Anonymous install id (8–64 letters, digits, dashes); only used as the rate-limit key of polls the cache cannot answer.',
      },
    ],
    responses: {
      200: {
        description:
          'SignedEnvelope whose payload is a Manifest (common/messages/manifest.ts). Headers: ETag, Cache-Control, X-Manifest-Version.',
        schema: SignedEnvelopeSchema,
      },
      304: { description: 'Not modified: the cached manifest is current.' },
      400: { description: 'Bad product line or locale.' },
      429: {
        description: 'Too many polls from this install that needed a manifest built; see Retry-After. Cached manifests are never refused.',
      },
    },
    handler: async ({ params, request, reply, deps }) => {
      const raw = request.params as { productLine: string; locale: string };
      if (!deps.manifests.isCached(params)) enforceDeviceLimit(deps, request, reply);
      const manifest = await deps.manifests.get(params, `${raw.productLine} ${raw.locale}`);
      void reply.headers(manifestHeaders(manifest));
      const ifNoneMatch = request.headers['if-none-match'];
      if (etagMatches(ifNoneMatch, manifest.etag)) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(manifest.body);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/signing-key',
    summary: "The Ed25519 public key manifests are signed with, for the app's branding config",
    tag: 'device',
    auth: 'none',
    responses: { 200: { description: 'Key id and public key.', schema: SigningKeyInfoSchema } },
    handler: async ({ deps }) => deps.signer.info,
  }),
];
