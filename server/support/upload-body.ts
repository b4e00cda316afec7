import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { HttpError } from '../http/errors.js';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** An upload body read within its limits: the JSON text and its gzip form for storage. */
export class UploadBody {
  constructor(
    readonly text: string,
    /** gzip of `text`: the uploaded bytes when the app sent gzip, else compressed here. */
    readonly compressed: Uint8Array,
    /** Bytes of the JSON text. */
    readonly bytes: number,
  ) {}
}

/** "8 MiB", "64 KiB": limits are round numbers, said the way people say them. */
function sizeText(bytes: number): string {
  const unit = bytes >= 1024 * 1024 ? { size: 1024 * 1024, name: 'MiB' } : { size: 1024, name: 'KiB' };
  return `${Number((bytes / unit.size).toFixed(1))} ${unit.name}`;
}

function tooLarge(maxBytes: number, what: string): HttpError {
  return new HttpError(
    413,
    'bundle-too-large',
    `The diagnostics bundle is larger than this server accepts (${what} over ${sizeText(maxBytes)}). Capture again with fewer logs or a shorter history.`,
  );
}

/** Reads the request stream up to `limit` bytes; a longer body is refused without reading the rest. */
async function readLimited(stream: Readable, headers: IncomingHttpHeaders, limit: number, maxBytes: number): Promise<Buffer> {
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(maxBytes, 'Content-Length');
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      stream.removeAllListeners('data');
      stream.resume();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) fail(tooLarge(maxBytes, 'the body'));
      else chunks.push(chunk);
    });
    stream.once('end', () => {
      if (Number.isFinite(declared) && declared !== total)
        reject(
          new HttpError(400, 'bundle-truncated', `The upload ended after ${total} of ${declared} bytes; nothing was stored. Upload again.`),
        );
      else resolve(Buffer.concat(chunks, total));
    });
    // A client that goes away mid-upload: nothing is stored, nobody is left to answer.
    stream.once('aborted', () =>
      reject(new HttpError(400, 'bundle-truncated', 'The upload was cut off before its end; nothing was stored. Upload again.')),
    );
    stream.once('error', (error) =>
      reject(new HttpError(400, 'bundle-truncated', `The upload failed while reading (${error.message}); nothing was stored.`)),
    );
  });
}

/**
 * The body of a diagnostics upload: application/json, optionally gzip-compressed, at most
 * `maxBytes` of JSON text. A gzip body is inflated with the same cap (maxOutputLength), so a small
 * "zip bomb" cannot make the server hold more than the limit.
 */
export async function readUploadBody(stream: Readable, headers: IncomingHttpHeaders, maxBytes: number): Promise<UploadBody> {
  const encoding = String(headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpError(
      415,
      'unsupported-content-encoding',
      `Content-Encoding "${encoding}" is not supported; send the bundle as plain JSON or with Content-Encoding: gzip.`,
    );
  }
  const raw = await readLimited(stream, headers, maxBytes, maxBytes);
  let json: Buffer;
  if (encoding === 'gzip') {
    try {
      json = await gunzipAsync(raw, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes, 'the inflated JSON');
      throw new HttpError(
        400,
        'bundle-truncated',
        'The gzip body is truncated or damaged, so the bundle cannot be read; nothing was stored. Upload again.',
      );
    }
  } else json = raw;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new HttpError(400, 'invalid-bundle', 'The bundle is not UTF-8 text; send the JSON exactly as the app wrote it.');
  }
  const compressed = encoding === 'gzip' ? new Uint8Array(raw) : new Uint8Array(await gzipAsync(json));
  return new UploadBody(text, compressed, json.length);
}
