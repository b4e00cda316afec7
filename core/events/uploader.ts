import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '../../common/events.js';
import { exponentialBackoffMs, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import type { DurableQueue } from './durable-queue.js';
import type { InstallAuthorization } from './install-authorization.js';
import { postEventBatch, type PostFetch } from './post-event-batch.js';

export type { PostFetch } from './post-event-batch.js';

/** What the uploader needs; every effect is passed in. */
export interface UploaderOptions {
  queue: DurableQueue;
  /** `{backendUrl}/v1/events`. */
  endpoint: string;
  installId: string;
  /** The install's credential on every upload (and its registration first); without it uploads carry none (a backend that asks for none). */
  authorization?: InstallAuthorization;
  /** Read before every request: nothing leaves while it says `none`. */
  consent: () => Consent;
  fetch: PostFetch;
  clock: Clock;
  timers: Timers;
  log?: (message: string) => void;
  /** Wait after an event is recorded before uploading, so events of one moment share a request. */
  debounceMs?: number;
  /** First retry delay after a failure; doubles per failure up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  batchEvents?: number;
  batchBytes?: number;
  /** 0–1; jitter source (tests pass a constant). */
  random?: () => number;
}

/** What one `flush` did. */
export interface FlushResult {
  sent: number;
  requests: number;
  /** Why it stopped before the queue was empty, if it did. */
  stopped?: 'no-consent' | 'failed' | 'disposed';
}

/** Uploads the durable queue in batches. */
export interface Uploader extends Disposable {
  /** Uploads until the queue is empty or a request fails (then a retry is scheduled). */
  flush(): Promise<FlushResult>;
  /** Asks for an upload soon (after the debounce), e.g. after recording an event. */
  schedule(): void;
  /** Failures in a row; 0 after a success. */
  readonly failures: number;
}

/**
 * Batches of at most `batchEvents` events and `batchBytes` bytes go to POST /v1/events; events are
 * acknowledged in the queue only after the server answered 200, so a crash or a lost answer means
 * the batch is sent again and the server's unique index on event ids drops the repeats.
 *
 * Failures back off exponentially with jitter (2 s … 15 min by default) and honour Retry-After. A
 * 413 halves the batch and tries again at once; a single event the server still refuses as too
 * large, or rejects as invalid, is logged and dropped — sending it again can never succeed.
 */
export function createUploader(options: UploaderOptions): Uploader {
  const log = options.log ?? (() => undefined);
  const debounceMs = options.debounceMs ?? 5000;
  const baseDelayMs = options.baseDelayMs ?? 2000;
  const maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
  const random = options.random ?? Math.random;
  let batchEvents = options.batchEvents ?? MAX_BATCH_EVENTS;
  const batchBytes = options.batchBytes ?? MAX_BATCH_BYTES;
  let failures = 0;
  let timer: Disposable | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let running: Promise<FlushResult> | undefined;
  let disposed = false;

  const arm = (delayMs: number): void => {
    if (disposed) return;
    const at = options.clock.now() + delayMs;
    if (timer !== undefined && timerAt <= at) return;
    timer?.dispose();
    timerAt = at;
    timer = options.timers.setTimeout(() => {
      timer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
      void flush();
    }, delayMs);
  };

  const backoff = (retryAfterMs: number | undefined): number => {
    const exponential = exponentialBackoffMs(failures, baseDelayMs, maxDelayMs);
    const jittered = exponential * (0.5 + random() / 2);
    return Math.max(jittered, retryAfterMs ?? 0);
  };

  async function run(): Promise<FlushResult> {
    let sent = 0;
    let requests = 0;
    for (;;) {
      if (disposed) return { sent, requests, stopped: 'disposed' };
      if (options.consent() === 'none') return { sent, requests, stopped: 'no-consent' };
      const events = options.queue.peek(batchEvents, batchBytes);
      if (events.length === 0) return { sent, requests };
      requests += 1;
      const outcome = await postEventBatch(options, events, log);
      if (outcome.kind === 'ok') {
        await options.queue.acknowledge(events.map((event) => event.id));
        sent += events.length;
        failures = 0;
        batchEvents = options.batchEvents ?? MAX_BATCH_EVENTS;
        continue;
      }
      if (outcome.kind === 'too-large') {
        if (events.length === 1) {
          log(`events: the server refuses event ${events[0]!.id} as too large even alone; dropping it`);
          await options.queue.acknowledge([events[0]!.id]);
        } else {
          batchEvents = Math.max(1, Math.floor(events.length / 2));
          log(`events: the server answered 413; retrying with batches of ${batchEvents}`);
        }
        continue;
      }
      failures += 1;
      const delay = backoff(outcome.retryAfterMs);
      log(
        `events: upload of ${events.length} failed (${outcome.problem}); ${options.queue.size} waiting, retry in ${Math.round(delay / 1000)} s`,
      );
      arm(delay);
      return { sent, requests, stopped: 'failed' };
    }
  }

  function flush(): Promise<FlushResult> {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    flush,
    schedule: () => {
      // While backing off, new events wait for the retry instead of hammering a server that is down.
      if (failures === 0) arm(debounceMs);
    },
    get failures() {
      return failures;
    },
    dispose() {
      disposed = true;
      timer?.dispose();
      timer = undefined;
    },
  };
}
