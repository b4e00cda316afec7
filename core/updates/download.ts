import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { describeError } from '../../common/errors.js';
import { describeNetworkError } from '../../common/system-error-words.js';
import { exponentialBackoffMs } from '../../common/lifecycle.js';

/** The fetch the downloader uses (global fetch fits). */
export type DownloadFetch = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

/** One file to download and the digest the signed metadata gave for it. */
export interface DownloadRequest {
  url: string;
  size: number;
  /** Base64 SHA-512 from the verified release. */
  sha512: string;
  /** Where the finished file goes; `${destination}.partial` holds the bytes while it is incomplete. */
  destination: string;
  fetch: DownloadFetch;
  log: (message: string) => void;
  /** Attempts in all, counting the first (default 5). */
  attempts?: number;
  /** Wait before attempt n (1-based retries); default 2 s, 4 s, 8 s … capped at 60 s. */
  retryDelayMs?: (retry: number) => number;
  /** Per attempt: no bytes for this long ends the attempt (default 60 s). */
  idleTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Why a download did not give the signed bytes. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly reason: 'bad-hash' | 'bad-size' | 'http' | 'network',
    message: string,
  ) {
    super(message);
  }
}

/** What happened, for the log and for tests: how many attempts, how many of them resumed. */
export interface DownloadOutcome {
  path: string;
  attempts: number;
  resumed: number;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Base64 SHA-512 of a file, streamed (installers are hundreds of megabytes). */
export async function sha512OfFile(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** The start of a `Content-Range: bytes START-END/TOTAL` header, when it is one. */
function rangeStart(header: string | null): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * One attempt: asks for the rest of the file after the bytes already in `.partial` (HTTP Range),
 * appends what comes, and returns whether it resumed. A server that ignores the range (200) gets
 * the partial file restarted from zero; one that says the range is past the end (416) too.
 */
async function attempt(request: DownloadRequest, partial: string): Promise<{ resumed: boolean }> {
  let have = await sizeOf(partial);
  if (have > request.size) {
    await rm(partial, { force: true });
    have = 0;
  }
  if (have === request.size) return { resumed: true };
  const controller = new AbortController();
  const idleMs = request.idleTimeoutMs ?? 60_000;
  let idle = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  const touch = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  };
  try {
    const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
    let response: Response;
    try {
      response = await request.fetch(request.url, { headers, signal: controller.signal });
    } catch (error) {
      throw new DownloadError('network', `cannot reach ${request.url}: ${describeNetworkError(error)}`);
    }
    let append = false;
    if (response.status === 206 && rangeStart(response.headers.get('content-range')) === have) append = true;
    else if (response.status === 416) {
      await response.body?.cancel();
      await rm(partial, { force: true });
      throw new DownloadError('http', `${request.url} refused the range bytes=${have}- (HTTP 416); starting over`);
    } else if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new DownloadError('http', `${request.url} answered HTTP ${response.status}`);
    }
    if (!response.body) throw new DownloadError('http', `${request.url} answered without a body`);
    const file = await open(partial, append ? 'a' : 'w');
    let written = append ? have : 0;
    try {
      const reader = response.body.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw new DownloadError(
            'network',
            `the download from ${request.url} broke off after ${written} of ${request.size} bytes: ${describeNetworkError(error)}`,
          );
        }
        if (chunk.done) break;
        touch();
        written += chunk.value.byteLength;
        if (written > request.size) {
          await reader.cancel();
          throw new DownloadError('bad-size', `${request.url} sent more than the ${request.size} bytes the signed metadata gives`);
        }
        await file.write(chunk.value);
      }
    } finally {
      await file.close();
    }
    return { resumed: append };
  } finally {
    clearTimeout(idle);
  }
}

/**
 * Downloads a file the signed metadata describes and keeps it only when its length and SHA-512
 * match. A broken-off transfer is resumed with an HTTP Range request from the bytes already on
 * disk, or retried from zero where the server does not do ranges; a file whose digest is wrong is
 * deleted and fetched once more from zero (a resumed file may have been damaged on disk) before
 * the download is given up. Bytes of a transfer that never finished stay in `.partial`, so the
 * next check (even after a restart) resumes from them.
 */
export async function downloadVerified(request: DownloadRequest): Promise<DownloadOutcome> {
  const partial = `${request.destination}.partial`;
  const attempts = request.attempts ?? 5;
  const delay = request.retryDelayMs ?? ((retry: number) => exponentialBackoffMs(retry + 1, 1000, 60_000));
  const sleep = request.sleep ?? defaultSleep;
  let resumed = 0;
  let hashRetried = false;
  let lastError: unknown;
  for (let number = 1; number <= attempts; number++) {
    if (number > 1) await sleep(delay(number - 1));
    try {
      const result = await attempt(request, partial);
      if (result.resumed) resumed++;
    } catch (error) {
      lastError = error;
      request.log(`updates: download attempt ${number} of ${attempts} failed: ${describeError(error)}`);
      continue;
    }
    const size = await sizeOf(partial);
    if (size !== request.size) {
      lastError = new DownloadError('bad-size', `${request.url} ended after ${size} of ${request.size} bytes`);
      request.log(`updates: download attempt ${number} of ${attempts} failed: ${describeError(lastError)}`);
      continue;
    }
    const digest = await sha512OfFile(partial);
    if (digest === request.sha512) {
      await rename(partial, request.destination);
      return { path: request.destination, attempts: number, resumed };
    }
    await rm(partial, { force: true });
    lastError = new DownloadError(
      'bad-hash',
      `the file from ${request.url} does not have the SHA-512 the signed metadata gives (got ${digest.slice(0, 16)}…, expected ${request.sha512.slice(0, 16)}…)`,
    );
    request.log(`updates: ${describeError(lastError)}; deleted it`);
    if (hashRetried) break;
    hashRetried = true;
  }
  // A partial file is kept: the next check resumes from it.
  if (lastError instanceof DownloadError) throw lastError;
  throw new DownloadError('network', `the download from ${request.url} failed: ${describeError(lastError)}`);
}
