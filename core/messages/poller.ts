import { exponentialBackoffMs, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import { describeNetworkError } from '../../common/system-error-words.js';

/**
 * Polls the manifest: conditional GET (If-None-Match with the cached ETag), the server's
 * suggested interval with ±10 % jitter (so installs that started together drift apart instead of
 * hitting the CDN in waves), exponential backoff with full jitter on failure up to a cap, paused
 * while the machine sleeps, and an early retry on wake and when the network returns.
 */

/** The slice of `fetch` the poller uses (global fetch in Node and Electron; a fake in tests). */
export type FetchLike = (url: string, init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

/** What became of one poll. */
export type PollOutcome =
  | { kind: 'updated'; url: string }
  | { kind: 'not-modified'; url: string }
  | { kind: 'rejected'; url: string; message: string }
  | { kind: 'failed'; url: string | undefined; message: string };

/** What the poller asks of its owner. */
export interface PollerOptions {
  fetch: FetchLike;
  clock: Clock;
  timers: Timers;
  /** [0, 1); injected so tests can pin the jitter. */
  random: () => number;
  /** Candidate URLs, most specific first (e.g. de-AT, de, en): a 404 moves on to the next. */
  urls(): readonly string[];
  /** The ETag of the cached manifest for this URL, if any. */
  etag(url: string): string | null;
  /** Verifies and stores a 200 body; answers whether it was accepted and, if not, why. */
  accept(url: string, body: string, etag: string | null): { accepted: true } | { accepted: false; message: string };
  /** The interval the current manifest asks for. */
  intervalMs(): number;
  onOutcome(outcome: PollOutcome): void;
  /** A request that takes longer is aborted (default 15 s). */
  timeoutMs?: number;
  /** First retry after a failure (default 30 s), doubling up to `maxBackoffMs` (default 1 h). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Larger bodies are refused without reading them to the end (default 5 MB). */
  maxBodyBytes?: number;
}

/** A running poller. */
export interface ManifestPoller extends Disposable {
  /** First poll now, then on schedule. */
  start(): void;
  /** Polls now (joining a poll in flight) and reschedules. */
  pollNow(): Promise<PollOutcome>;
  /** Machine going to sleep: abort the request, stop the timer. */
  pause(): void;
  /** Machine woke: poll soon. */
  resume(): void;
  /** The network came back: poll soon if the last poll failed. */
  networkOnline(): void;
}

/** Reads a body up to a byte limit; throws when it is larger. */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new Error(`the manifest is ${declared} bytes; the limit is ${maxBytes}`);
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`the manifest is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new Error('the response is not valid UTF-8 text');
  }
}

/** Creates the poller; nothing happens until `start`. */
export function createManifestPoller(options: PollerOptions): ManifestPoller {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const initialBackoffMs = options.initialBackoffMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  const maxBodyBytes = options.maxBodyBytes ?? 5_000_000;
  let timer: Disposable | undefined;
  let inFlight: Promise<PollOutcome> | undefined;
  let abort: AbortController | undefined;
  let failures = 0;
  let paused = false;
  let started = false;
  let disposed = false;

  function schedule(delayMs: number): void {
    timer?.dispose();
    timer = undefined;
    if (paused || disposed || !started) return;
    timer = options.timers.setTimeout(
      () => {
        timer = undefined;
        void pollNow();
      },
      Math.max(0, delayMs),
    );
  }

  function nextDelay(outcome: PollOutcome): number {
    if (outcome.kind === 'updated' || outcome.kind === 'not-modified') {
      failures = 0;
      return options.intervalMs() * (0.9 + 0.2 * options.random());
    }
    failures += 1;
    const ceiling = exponentialBackoffMs(failures, initialBackoffMs, maxBackoffMs);
    // "Equal jitter": at least half the backoff, so a failing server still gets breathing room.
    return ceiling / 2 + (ceiling / 2) * options.random();
  }

  async function fetchOnce(url: string, signal: AbortSignal): Promise<{ outcome: PollOutcome; tryNext: boolean }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const etag = options.etag(url);
    if (etag) headers['if-none-match'] = etag;
    const response = await options.fetch(url, { method: 'GET', headers, signal });
    if (response.status === 304) {
      await response.body?.cancel();
      return { outcome: { kind: 'not-modified', url }, tryNext: false };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { outcome: { kind: 'failed', url, message: `no messages are published for ${url}` }, tryNext: true };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { outcome: { kind: 'failed', url, message: `the server answered ${response.status}` }, tryNext: false };
    }
    const body = await readLimited(response, maxBodyBytes);
    const verdict = options.accept(url, body, response.headers.get('etag'));
    return { outcome: verdict.accepted ? { kind: 'updated', url } : { kind: 'rejected', url, message: verdict.message }, tryNext: false };
  }

  async function run(): Promise<PollOutcome> {
    const controller = new AbortController();
    abort = controller;
    const timeout = options.timers.setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    let outcome: PollOutcome = { kind: 'failed', url: undefined, message: 'no manifest URL is configured' };
    try {
      for (const url of options.urls()) {
        const result = await fetchOnce(url, controller.signal);
        outcome = result.outcome;
        if (!result.tryNext) break;
      }
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      outcome = { kind: 'failed', url: undefined, message: describe(reason) };
    } finally {
      timeout.dispose();
      abort = undefined;
    }
    return outcome;
  }

  function pollNow(): Promise<PollOutcome> {
    if (inFlight) return inFlight;
    timer?.dispose();
    timer = undefined;
    const poll = run().then((outcome) => {
      inFlight = undefined;
      if (disposed) return outcome;
      // A poll aborted by pause() is not a failure of the server; resume() polls again.
      if (!paused) schedule(nextDelay(outcome));
      options.onOutcome(outcome);
      return outcome;
    });
    inFlight = poll;
    return poll;
  }

  return {
    start() {
      if (started) return;
      started = true;
      void pollNow();
    },
    pollNow,
    pause() {
      paused = true;
      timer?.dispose();
      timer = undefined;
      abort?.abort(new Error('the machine went to sleep'));
    },
    resume() {
      if (!paused) return;
      paused = false;
      // A few seconds of jitter: the network is often not up the instant the machine wakes.
      schedule(2_000 + 3_000 * options.random());
    },
    networkOnline() {
      if (failures > 0 && !paused && !inFlight) schedule(1_000 * options.random());
    },
    dispose() {
      disposed = true;
      timer?.dispose();
      timer = undefined;
      abort?.abort(new Error('the app is closing'));
    },
  };
}

/** fetch's "fetch failed" in words: the socket error's code ("nothing is listening there (connection refused)"). */
function describe(error: unknown): string {
  return describeNetworkError(error);
}
