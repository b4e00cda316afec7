import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNED_ENVELOPE_FORMAT, type SignedEnvelope } from '../../../common/messages/index.js';
import { UPDATE_FORMAT, type UpdateFile, type UpdateRelease } from '../../../common/updates.js';

/** An Ed25519 key as a publisher holds it, and its public half as the branding pins it. */
export interface TestUpdateKey {
  publicKey: string;
  keyId: string;
  sign(payload: string): SignedEnvelope;
}

export function makeUpdateKey(): TestUpdateKey {
  const { publicKey, privateKey }: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return {
    publicKey: raw.toString('base64'),
    keyId,
    sign: (payload) => ({
      format: SIGNED_ENVELOPE_FORMAT,
      algorithm: 'Ed25519',
      keyId,
      signature: sign(null, Buffer.from(payload), privateKey).toString('base64'),
      payload,
    }),
  };
}

/** A fake installer: deterministic bytes of the given length. */
export function installerBytes(length: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[index] = state >> 16;
  }
  return bytes;
}

export const sha512Base64 = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('base64');

/** A release of one Windows installer served at /blobs/<name>. */
export function releaseOf(bytes: Buffer, overrides: Partial<UpdateRelease> = {}, file: Partial<UpdateFile> = {}): UpdateRelease {
  const name = file.name ?? 'Trayside-Setup-2.0.0.exe';
  return {
    format: UPDATE_FORMAT,
    releaseId: '2.0.0-stable',
    version: '2.0.0',
    channel: 'stable',
    publishedAt: '2026-11-01T00:00:00.000Z',
    rolloutPercent: 100,
    files: [
      {
        platform: 'win32',
        arch: 'x64',
        kind: 'nsis',
        name,
        url: `/blobs/${name}`,
        size: bytes.length,
        sha512: sha512Base64(bytes),
        ...file,
      },
    ],
    ...overrides,
  };
}

/** How the blob route misbehaves, to test resume and retry. */
export interface BlobFaults {
  /** The first N blob responses stop after `cutAfter` bytes (the socket is destroyed). */
  cutFirst?: number;
  cutAfter?: number;
  /** Answer 200 with the whole file even when a Range is asked for (a server or proxy without ranges). */
  ignoreRange?: boolean;
}

/** What the server saw. */
export interface SeenRequest {
  url: string;
  range: string | undefined;
}

/**
 * A small update server on 127.0.0.1: the feed at /v1/updates/<channel> answers whatever body
 * the test set, and /blobs/<name> serves installer bytes with Range support (and faults on demand).
 */
export class TestUpdateServer {
  feedBody: string | undefined;
  readonly blobs = new Map<string, Buffer>();
  faults: BlobFaults = {};
  readonly seen: SeenRequest[] = [];
  private cutsLeft = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Serves a signed release (or any text) as the feed. */
  serve(body: string | SignedEnvelope): void {
    this.feedBody = typeof body === 'string' ? body : JSON.stringify(body);
  }

  setFaults(faults: BlobFaults): void {
    this.faults = faults;
    this.cutsLeft = faults.cutFirst ?? 0;
  }

  blobRequests(): SeenRequest[] {
    return this.seen.filter((request) => request.url.startsWith('/blobs/'));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    this.seen.push({ url, range: request.headers.range });
    if (url.startsWith('/v1/updates/')) {
      if (this.feedBody === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(this.feedBody);
      return;
    }
    const blob = url.startsWith('/blobs/') ? this.blobs.get(decodeURIComponent(url.slice('/blobs/'.length))) : undefined;
    if (!blob) {
      response.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    let start = 0;
    if (range && !this.faults.ignoreRange) {
      start = Number(range[1]);
      if (start >= blob.length) {
        response.writeHead(416, { 'content-range': `bytes */${blob.length}` }).end();
        return;
      }
      response.writeHead(206, {
        'content-range': `bytes ${start}-${blob.length - 1}/${blob.length}`,
        'content-length': blob.length - start,
        'accept-ranges': 'bytes',
      });
    } else {
      response.writeHead(200, { 'content-length': blob.length, 'accept-ranges': this.faults.ignoreRange ? 'none' : 'bytes' });
    }
    const body = blob.subarray(start);
    if (this.cutsLeft > 0) {
      this.cutsLeft--;
      const cut = Math.min(this.faults.cutAfter ?? Math.floor(body.length / 2), body.length - 1);
      // Send part of the body, then drop the connection: what a lost Wi-Fi or a proxy timeout looks like.
      response.write(body.subarray(0, cut), () => setTimeout(() => request.socket.destroy(), 20));
      return;
    }
    response.end(body);
  }
}
