import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManifestService, SignedManifest } from './service.js';
import type { Clock } from '../../common/lifecycle.js';

/**
 * Lets a CDN and the app cache a manifest for 5 min; a stale copy may be served for a minute while
 * the edge revalidates, and for a day if the origin errs or is down (the app still checks expiresAt).
 */
export const MANIFEST_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400';

/** Only plain manifest URLs take the fast path; anything else (query strings, odd characters) goes through Fastify. */
const MANIFEST_URL = /^\/v1\/manifests\/([a-z0-9][a-z0-9-]{0,63})\/([A-Za-z0-9-]{2,35})$/;

/** True when If-None-Match names this ETag (a list, weak forms and `*` included, RFC 9110 §13.1.2). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  return header.split(',').some((part) => {
    const tag = part.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** The headers every manifest answer carries, 200 and 304 alike. */
export function manifestHeaders(manifest: SignedManifest): Record<string, string> {
  return { etag: manifest.etag, 'cache-control': MANIFEST_CACHE_CONTROL, 'x-manifest-version': String(manifest.version) };
}

/**
 * Answers a poll for an already-signed, still-current manifest straight from the Node request
 * handler, before Fastify's routing, hooks and reply machinery: a poll becomes a regex, two map
 * lookups (bench/server-polls.ts measures the gain). Returns false — and writes nothing —
 * whenever it is not sure: unknown segment, stale version, non-GET; Fastify then handles the
 * request with full validation and error answers.
 *
 * Not rate limited: a cached poll costs less than counting it would protect, it is what a CDN
 * edge (one IP, often no install header) asks for, and a 429 is not covered by stale-if-error.
 * Only polls that need a build count against the device limit (routes/manifest.ts).
 */
export function createManifestFastPath(manifests: ManifestService, clock: Clock) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'GET' || request.url === undefined) return false;
    const match = MANIFEST_URL.exec(request.url);
    if (match === null) return false;
    const now = clock.now();
    const manifest = manifests.peek(`${match[1]} ${match[2]}`, now);
    if (manifest === undefined) return false;
    const ifNoneMatch = request.headers['if-none-match'];
    if (etagMatches(ifNoneMatch, manifest.etag)) {
      response.writeHead(304, manifestHeaders(manifest)).end();
    } else {
      response
        .writeHead(200, {
          ...manifestHeaders(manifest),
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(manifest.body.length),
        })
        .end(manifest.body);
    }
    return true;
  };
}
