import { describe, expect, it } from 'vitest';
import { FakeTime } from '../../test/support/fake-time.js';
import { createManifestPoller, type FetchLike, type PollOutcome } from './poller.js';

const URL_EN = 'http://127.0.0.1:9/v1/manifests/demo/en';

/** A scripted server: each call takes the next answer; records the requests. */
function scripted(answers: Array<(signal: AbortSignal) => Promise<Response>>) {
  const requests: { url: string; headers: Record<string, string>; at: number }[] = [];
  let time: FakeTime | undefined;
  const fetch: FetchLike = (url, init) => {
    requests.push({ url, headers: init.headers, at: time?.now() ?? 0 });
    const next = answers.shift() ?? (async () => new Response(null, { status: 304 }));
    return next(init.signal);
  };
  return { fetch, requests, bind: (t: FakeTime) => (time = t) };
}

const ok =
  (body = 'manifest', etag = '"v1"') =>
  async () =>
    new Response(body, { status: 200, headers: { etag } });
const status = (code: number) => async () => new Response(code === 304 ? null : 'x', { status: code });
const hang = () => (signal: AbortSignal) =>
  new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

function setup(
  answers: Array<(signal: AbortSignal) => Promise<Response>>,
  accept: (body: string) => boolean = () => true,
  urls = [URL_EN],
) {
  const time = new FakeTime();
  const server = scripted(answers);
  server.bind(time);
  const outcomes: PollOutcome[] = [];
  let etag: string | null = null;
  const poller = createManifestPoller({
    fetch: server.fetch,
    clock: time,
    timers: time,
    random: () => 0.5,
    urls: () => urls,
    etag: () => etag,
    accept: (_url, body, received) => {
      if (!accept(body)) return { accepted: false, message: 'bad signature' };
      etag = received;
      return { accepted: true };
    },
    intervalMs: () => 300_000,
    onOutcome: (outcome) => outcomes.push(outcome),
    timeoutMs: 15_000,
    initialBackoffMs: 30_000,
    maxBackoffMs: 3_600_000,
  });
  return { time, poller, requests: server.requests, outcomes };
}

describe('manifest poller', () => {
  it('sends If-None-Match after a good manifest and polls at the suggested interval (jitter ±10 %)', async () => {
    const { time, poller, requests, outcomes } = setup([ok(), status(304), status(304)]);
    poller.start();
    await time.advance(0);
    await time.advance(300_000);
    await time.advance(300_000);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['updated', 'not-modified', 'not-modified']);
    expect(requests[0]!.headers['if-none-match']).toBeUndefined();
    expect(requests[1]!.headers['if-none-match']).toBe('"v1"');
    // random() = 0.5 → exactly the interval; the jitter range is checked below.
    expect(requests[1]!.at - requests[0]!.at).toBe(300_000);
    poller.dispose();
    expect(time.pendingCount).toBe(0);
  });

  it('backs off exponentially on failures, up to the cap, and returns to the interval on success', async () => {
    const failures = Array.from({ length: 9 }, () => status(500));
    const { time, poller, requests, outcomes } = setup([...failures, ok()]);
    poller.start();
    await time.advance(10 * 3_600_000);
    const gaps = requests.slice(1, 11).map((request, index) => request.at - requests[index]!.at);
    // Equal jitter with random() = 0.5: 3/4 of 30 s, 60 s, 120 s, … capped at 1 h.
    expect(gaps.slice(0, 9)).toEqual([22_500, 45_000, 90_000, 180_000, 360_000, 720_000, 1_440_000, 2_700_000, 2_700_000]);
    expect(outcomes[9]!.kind).toBe('updated');
    expect(gaps[9]).toBe(300_000);
    poller.dispose();
  });

  it.each([
    ['a 500', status(500), /answered 500/],
    ['a 503', status(503), /answered 503/],
    ['a timeout', hang(), /no answer within 15 s/],
    [
      'a refused connection',
      async () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })),
      /ECONNREFUSED/,
    ],
    ['invalid UTF-8', async () => new Response(new Uint8Array([0xff, 0xfe, 0xfd]), { status: 200 }), /not valid UTF-8/],
  ])('reports %s as a failure and keeps polling', async (_name, answer, message) => {
    const { time, poller, outcomes } = setup([answer as (signal: AbortSignal) => Promise<Response>, ok()]);
    poller.start();
    await time.advance(20_000);
    expect(outcomes[0]).toMatchObject({ kind: 'failed' });
    expect((outcomes[0] as { message: string }).message).toMatch(message);
    await time.advance(60_000);
    expect(outcomes.at(-1)!.kind).toBe('updated');
    poller.dispose();
  });

  it('refuses a body over the size limit without keeping it', async () => {
    const huge = async () => new Response('x'.repeat(10), { status: 200, headers: { 'content-length': String(6_000_000) } });
    const { time, poller, outcomes } = setup([huge]);
    poller.start();
    await time.advance(0);
    expect(outcomes[0]).toMatchObject({ kind: 'failed', message: expect.stringMatching(/limit/) });
    poller.dispose();
  });

  it('reports a manifest the owner rejected (verification) and retries with backoff', async () => {
    const { time, poller, outcomes, requests } = setup([ok('tampered'), ok('good')], (body) => body === 'good');
    poller.start();
    await time.advance(0);
    expect(outcomes[0]).toMatchObject({ kind: 'rejected', message: 'bad signature' });
    await time.advance(30_000);
    expect(outcomes[1]!.kind).toBe('updated');
    expect(requests).toHaveLength(2);
    poller.dispose();
  });

  it('falls back along the locale chain on 404', async () => {
    const { time, poller, requests, outcomes } = setup([status(404), ok()], () => true, ['u/de-AT', 'u/de', 'u/en']);
    poller.start();
    await time.advance(0);
    expect(requests.map((request) => request.url)).toEqual(['u/de-AT', 'u/de']);
    expect(outcomes[0]).toMatchObject({ kind: 'updated', url: 'u/de' });
    poller.dispose();
  });

  it('does not poll while the machine sleeps, polls soon after wake, and early when the network returns', async () => {
    const { time, poller, requests } = setup([ok(), status(500)]);
    poller.start();
    await time.advance(0);
    poller.pause();
    await time.advance(24 * 3_600_000);
    expect(requests).toHaveLength(1);
    poller.resume();
    await time.advance(5_000);
    expect(requests).toHaveLength(2); // failed: offline
    poller.networkOnline();
    await time.advance(1_000);
    expect(requests).toHaveLength(3);
    poller.dispose();
    expect(time.pendingCount).toBe(0);
  });

  it('aborts the request in flight when the machine goes to sleep, without counting a failure', async () => {
    const { time, poller, outcomes } = setup([hang(), ok()]);
    poller.start();
    await time.advance(1_000);
    poller.pause();
    await time.advance(60_000);
    expect(time.pendingCount).toBe(0);
    poller.resume();
    await time.advance(5_000);
    expect(outcomes.at(-1)!.kind).toBe('updated');
    poller.dispose();
  });
});

describe('jitter', () => {
  it('spreads installs over ±10 % of the interval', async () => {
    const gaps: number[] = [];
    for (const random of [0, 0.999]) {
      const time = new FakeTime();
      const at: number[] = [];
      const poller = createManifestPoller({
        fetch: async () => {
          at.push(time.now());
          return new Response(null, { status: 304 });
        },
        clock: time,
        timers: time,
        random: () => random,
        urls: () => [URL_EN],
        etag: () => null,
        accept: () => ({ accepted: true }),
        intervalMs: () => 1_000_000,
        onOutcome: () => undefined,
      });
      poller.start();
      await time.advance(1_200_000);
      gaps.push(at[1]! - at[0]!);
      poller.dispose();
    }
    expect(gaps[0]).toBe(900_000);
    expect(gaps[1]).toBeGreaterThan(1_099_000);
    expect(gaps[1]).toBeLessThanOrEqual(1_100_000);
  });
});
