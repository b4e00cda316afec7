// How the Node host sends the built panel: compressed (brotli or gzip, whichever the browser
// accepts) and cached by the browser for as long as a file's name cannot change. The panel is
// opened many times per launch and its script is ~350 kB, ~100 kB compressed.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** One file (or the in-memory index page) as the host serves it. */
export interface StaticResource {
  /** What the compressed copies are cached under: the file's path. */
  key: string;
  /** Changes when the content does (size and mtime), so a rebuilt file is compressed again. */
  version: string;
  contentType: string;
  cacheControl: string;
  load(): Promise<Buffer>;
}

/**
 * The panel build names assets after their content (`assets/index-CY6MHkZu.js`): a new build
 * gives a new name, so a browser may keep such a file for a year without asking again.
 */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `immutable` for content-hashed assets; everything else is revalidated on each load. */
export function cacheControlFor(pathname: string): string {
  return HASHED_ASSET.test(pathname) ? IMMUTABLE : 'no-cache';
}

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
/** Quality 9 compresses the panel script in ~35 ms to within 8 % of quality 11 (~500 ms). */
const BROTLI_OPTIONS = { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } };
const compressors: Record<Exclude<ContentEncoding, 'identity'>, (body: Buffer) => Promise<Buffer>> = {
  br: (body) => promisify(brotliCompress)(body, BROTLI_OPTIONS),
  gzip: (body) => promisify(gzip)(body, { level: 9 }),
};

/** The best encoding the Accept-Encoding header allows: brotli, then gzip, then none (q-values respected). */
export function negotiateEncoding(header: string | string[] | undefined): ContentEncoding {
  const weights = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name = '', ...parameters] = part.trim().toLowerCase().split(';');
    if (name === '') continue;
    const q = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: string): number => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  if (br > 0 && br >= gz) return 'br';
  return gz > 0 ? 'gzip' : 'identity';
}

/**
 * Sends static resources, compressing each compressible one once per encoding and keeping the
 * compressed copies (a few hundred kB for the whole panel, made only once the panel is opened).
 */
export function createStaticFiles(): {
  send(request: IncomingMessage, response: ServerResponse, resource: StaticResource, headers: OutgoingHttpHeaders): Promise<void>;
} {
  const cache = new Map<string, { version: string; bodies: Map<ContentEncoding, Promise<Buffer>> }>();

  function encoded(resource: StaticResource, encoding: ContentEncoding): Promise<Buffer> {
    let entry = cache.get(resource.key);
    if (entry?.version !== resource.version) {
      entry = { version: resource.version, bodies: new Map() };
      cache.set(resource.key, entry);
    }
    let body = entry.bodies.get(encoding);
    if (!body) {
      body = encoding === 'identity' ? resource.load() : resource.load().then(compressors[encoding]);
      // A failed read is not kept: the next request tries again.
      body.catch(() => entry.bodies.delete(encoding));
      entry.bodies.set(encoding, body);
    }
    return body;
  }

  return {
    async send(request, response, resource, headers) {
      const compressible = COMPRESSIBLE.test(resource.contentType);
      const encoding = compressible ? negotiateEncoding(request.headers['accept-encoding']) : 'identity';
      let body: Buffer;
      try {
        // Plain copies are read each time; only compressed copies are worth keeping.
        body = encoding === 'identity' ? await resource.load() : await encoded(resource, encoding);
      } catch {
        response.writeHead(500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end('The file could not be read.');
        return;
      }
      response.writeHead(200, {
        ...headers,
        'Content-Type': resource.contentType,
        'Content-Length': body.length,
        'Cache-Control': resource.cacheControl,
        ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
        // Caches must keep the brotli, gzip and plain copies apart.
        ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    },
  };
}
