import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describeError } from '../../common/errors.js';
import { SignedEnvelopeSchema } from '../../common/messages/index.js';
import { compareVersions, UpdateReleaseSchema, type UpdateChannel, type UpdateRelease } from '../../common/updates.js';

/**
 * Releases and installer blobs on disk, under the server's data folder (`updates/`):
 * `blobs/<id>` (content-addressed: the first 64 hex digits of the file's SHA-512, 256 bits) and
 * `releases/<channel>.json` (the signed envelope exactly as the publisher signed it).
 *
 * Files rather than the SQL store: installers are hundreds of megabytes, and both kinds are static
 * — a CDN or a shared folder serves them to any number of nodes, as it serves exported manifests.
 * The server never holds the update signing key: the publisher signs on their own machine
 * (`npm run admin -- release publish`), the server only checks the shape and that every file the
 * release names is here with the size and digest it claims.
 */

/** The largest installer accepted (electron-builder's biggest universal macOS builds are ~400 MB). */
export const MAX_BLOB_BYTES = 2 * 1024 ** 3;

/** A stored blob. */
export interface StoredBlob {
  id: string;
  size: number;
  sha512: string;
}

/** Why a release or blob was refused; routes map it to 400/404/409/413. */
export class ReleaseStoreError extends Error {
  constructor(
    readonly code: 'invalid' | 'missing-blob' | 'older-version' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseStoreError';
  }
}

/** The blob id for a base64 SHA-512. */
export function blobIdOf(sha512Base64: string): string {
  return Buffer.from(sha512Base64, 'base64').toString('hex').slice(0, 64);
}

/** The feed path of a blob (what a release's file `url` holds). */
export function blobUrl(id: string, name: string): string {
  return `/v1/updates/blobs/${id}/${encodeURIComponent(name)}`;
}

/** Parses a signed release without verifying it (the server keeps what it was given; the app verifies). */
function payloadOf(text: string): UpdateRelease {
  const envelope = SignedEnvelopeSchema.parse(JSON.parse(text));
  return UpdateReleaseSchema.parse(JSON.parse(envelope.payload));
}

export class ReleaseStore {
  constructor(readonly folder: string) {}

  private blobPath(id: string): string {
    return path.join(this.folder, 'blobs', id);
  }

  private releasePath(channel: UpdateChannel): string {
    return path.join(this.folder, 'releases', `${channel}.json`);
  }

  /** Streams an upload to disk while hashing it; the blob appears under its id only when complete. */
  async putBlob(body: Readable): Promise<StoredBlob> {
    await mkdir(path.join(this.folder, 'blobs'), { recursive: true });
    const temporary = path.join(this.folder, 'blobs', `.upload-${randomUUID()}`);
    const hash = createHash('sha512');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > MAX_BLOB_BYTES) return done(new ReleaseStoreError('too-large', `The file is larger than ${MAX_BLOB_BYTES} bytes.`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(temporary, { mode: 0o644 }));
      if (size === 0) throw new ReleaseStoreError('invalid', 'The upload is empty; send the installer file as the body.');
      const sha512 = hash.digest('base64');
      const id = blobIdOf(sha512);
      await rename(temporary, this.blobPath(id));
      return { id, size, sha512 };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** The path and size of a stored blob, or undefined. */
  async blob(id: string): Promise<{ path: string; size: number } | undefined> {
    try {
      const info = await stat(this.blobPath(id));
      return info.isFile() ? { path: this.blobPath(id), size: info.size } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The signed release text a channel's feed serves: for beta the newer of the beta and stable releases. */
  async feed(channel: UpdateChannel): Promise<{ text: string; release: UpdateRelease } | undefined> {
    const channels: UpdateChannel[] = channel === 'beta' ? ['beta', 'stable'] : ['stable'];
    let newest: { text: string; release: UpdateRelease } | undefined;
    for (const candidate of channels) {
      const text = await readFile(this.releasePath(candidate), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const release = payloadOf(text);
      if (!newest || compareVersions(release.version, newest.release.version) > 0) newest = { text, release };
    }
    return newest;
  }

  /**
   * Stores a signed release as the channel's current one. Refused: a payload that is not a
   * release of this channel, a file whose blob is not here with that size and digest, and a
   * version below the channel's current one (the same version may be published again, to raise
   * its rollout).
   */
  async putRelease(channel: UpdateChannel, text: string): Promise<UpdateRelease> {
    let release: UpdateRelease;
    try {
      release = payloadOf(text);
    } catch (error) {
      throw new ReleaseStoreError('invalid', `Not a signed update release: ${describeError(error).slice(0, 300)}`);
    }
    if (release.channel !== channel)
      throw new ReleaseStoreError('invalid', `The release is for the ${release.channel} channel, not ${channel}.`);
    for (const file of release.files) {
      if (!file.url.startsWith('/v1/updates/blobs/')) continue;
      const id = blobIdOf(file.sha512);
      const stored = await this.blob(id);
      if (!stored || file.url !== blobUrl(id, file.name))
        throw new ReleaseStoreError(
          'missing-blob',
          `${file.name}: no uploaded file with its SHA-512 at ${file.url}; upload it first (PUT /v1/admin/updates/blobs).`,
        );
      if (stored.size !== file.size)
        throw new ReleaseStoreError('invalid', `${file.name}: the release says ${file.size} bytes, the uploaded file has ${stored.size}.`);
    }
    const current = await readFile(this.releasePath(channel), 'utf8').then(payloadOf, () => undefined);
    if (current && compareVersions(release.version, current.version) < 0) {
      throw new ReleaseStoreError(
        'older-version',
        `The ${channel} channel is at ${current.version}; ${release.version} is older. Publish a higher version (apps never go back a version).`,
      );
    }
    await mkdir(path.join(this.folder, 'releases'), { recursive: true });
    const temporary = `${this.releasePath(channel)}.${randomUUID()}.tmp`;
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, this.releasePath(channel));
    return release;
  }
}
