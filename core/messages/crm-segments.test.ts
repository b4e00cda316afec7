import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Consent } from '../../common/settings.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createCrmSegments } from './crm-segments.js';
import type { FetchLike } from './poller.js';

const INSTALL = '2f1c6a3e-7d1b-4c55-9a0e-3f2b8c1d4e5f';

type Answer = (signal: AbortSignal) => Response | Promise<Response>;

const tempDir = tempDirs();

function harness(options: { consent?: Consent; answer?: Answer; dir?: string; time?: FakeTime } = {}) {
  const dir = options.dir ?? tempDir('trayside-segments-');
  let consent: Consent = options.consent ?? 'anonymous-usage';
  const requests: Array<{ url: string; headers: Record<string, string> }> = [];
  const log: string[] = [];
  let answer = options.answer ?? (() => Response.json({ segments: ['printer-plus', 'eu-owners'] }));
  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, headers: init.headers });
    return answer(init.signal);
  };
  const time = options.time ?? new FakeTime();
  // random 0.5: the schedule's jitter sits in the middle, so the times below are exact.
  const segments = createCrmSegments({
    backendUrl: 'https://api.example.com/',
    installId: INSTALL,
    storageDir: dir,
    fetch,
    consent: () => consent,
    clock: time,
    timers: time,
    log: (line) => log.push(line),
    random: () => 0.5,
  });
  return {
    dir,
    segments,
    requests,
    log,
    time,
    setConsent: (next: Consent) => void (consent = next),
    setAnswer: (next: Answer) => void (answer = next),
  };
}

describe('CRM segments on the device', () => {
  it('asks GET /v1/segments/:installId with the install header and keeps the answer sorted, on disk too', async () => {
    const { segments, requests, dir } = harness();
    expect(await segments.refresh()).toBe(true);
    expect(requests).toEqual([
      { url: `https://api.example.com/v1/segments/${INSTALL}`, headers: expect.objectContaining({ 'x-trayside-install': INSTALL }) },
    ]);
    expect(segments.current()).toEqual(['eu-owners', 'printer-plus']);
    expect(await segments.refresh()).toBe(false);
    // A restart offline starts from the saved answer.
    expect(harness({ dir, answer: () => Promise.reject(new TypeError('offline')) }).segments.current()).toEqual([
      'eu-owners',
      'printer-plus',
    ]);
  });

  it('without consent: no request and no segments', async () => {
    const { segments, requests } = harness({ consent: 'none' });
    expect(await segments.refresh()).toBe(false);
    expect(requests).toEqual([]);
    expect(segments.current()).toEqual([]);
  });

  it('withdrawing consent forgets them in memory and on disk', async () => {
    const { segments, dir, setConsent } = harness();
    await segments.refresh();
    setConsent('none');
    expect(segments.current()).toEqual([]);
    segments.consentChanged();
    // Deleted without blocking the click that withdrew consent.
    await vi.waitFor(() => expect(existsSync(join(dir, 'crm-segments.json'))).toBe(false));
    setConsent('anonymous-usage');
    expect(segments.current()).toEqual([]);
  });

  it('a failed or odd answer keeps the last segments and says why', async () => {
    const { segments, setAnswer, log } = harness();
    await segments.refresh();
    for (const answer of [
      () => new Response('busy', { status: 503 }),
      () => new Response('<html>', { status: 200 }),
      () => Response.json({ segments: ['x'.repeat(101)] }),
      () => Response.json({ segments: Array.from({ length: 201 }, (_, i) => `s${i}`) }),
      () => Promise.reject(new TypeError('fetch failed')),
    ]) {
      setAnswer(answer);
      expect(await segments.refresh()).toBe(false);
      expect(segments.current()).toEqual(['eu-owners', 'printer-plus']);
    }
    expect(log).toHaveLength(5);
    expect(log.every((line) => line.startsWith('messages: CRM segments not updated'))).toBe(true);
  });

  it('a server that does not answer is given up on after 15 s, like fetch with an aborted signal', async () => {
    const { segments, setAnswer, time, log } = harness();
    setAnswer((signal) => new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    let settled = false;
    void segments.refresh().then(() => (settled = true));
    await time.advance(14_000);
    expect(settled).toBe(false);
    await time.advance(2_000);
    expect(settled).toBe(true);
    expect(log).toEqual(['messages: CRM segments not updated (no answer within 15 s); keeping the last ones']);
  });

  it('ignores a saved file of another install (a copied profile)', () => {
    const dir = tempDir('trayside-segments-');
    writeFileSync(join(dir, 'crm-segments.json'), JSON.stringify({ installId: 'someone-else', segments: ['vip'], fetchedAt: 0 }));
    expect(harness({ dir }).segments.current()).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'crm-segments.json'), 'utf8'))).toMatchObject({ installId: 'someone-else' });
  });

  describe('on their own schedule', () => {
    const HOUR = 3_600_000;
    /** A 200 with an ETag, then 304 whenever the app offers it back. */
    const conditional: Answer = () => Response.json({ segments: ['vip'] }, { headers: { etag: '"s1-abc"' } });
    /** The check has finished (its answer saved) and the next one is on the clock. */
    const scheduled = (time: FakeTime) => vi.waitFor(() => expect(time.pendingCount).toBe(1));

    it('asks at start, then every 6 h, conditionally; a 304 keeps the segments', async () => {
      const { segments, requests, setAnswer, time } = harness({ answer: conditional });
      segments.start();
      await time.advance(0);
      await scheduled(time);
      expect(segments.current()).toEqual(['vip']);
      expect(requests).toHaveLength(1);
      setAnswer(() => new Response(null, { status: 304, headers: { etag: '"s2-abc"' } }));
      await time.advance(5 * HOUR);
      expect(requests).toHaveLength(1);
      await time.advance(1.1 * HOUR);
      await vi.waitFor(() => expect(requests).toHaveLength(2));
      await scheduled(time);
      expect(requests[1]!.headers).toMatchObject({ 'if-none-match': '"s1-abc"' });
      expect(segments.current()).toEqual(['vip']);
      await time.advance(6.1 * HOUR);
      await vi.waitFor(() => expect(requests).toHaveLength(3));
      // The server's newer name for the same answer is the one offered next.
      expect(requests[2]!.headers).toMatchObject({ 'if-none-match': '"s2-abc"' });
      segments.dispose();
    });

    it('a restart with a fresh kept answer does not ask until it is due, and then conditionally', async () => {
      const time = new FakeTime();
      const first = harness({ answer: conditional, time });
      first.segments.start();
      await time.advance(0);
      await scheduled(time);
      await vi.waitFor(() =>
        expect(JSON.parse(readFileSync(join(first.dir, 'crm-segments.json'), 'utf8'))).toMatchObject({ etag: '"s1-abc"' }),
      );
      first.segments.dispose();
      await time.advance(2 * HOUR);
      const second = harness({ dir: first.dir, answer: conditional, time });
      second.segments.start();
      await time.advance(3.9 * HOUR);
      expect(second.requests).toHaveLength(0);
      expect(second.segments.current()).toEqual(['vip']);
      await time.advance(0.2 * HOUR);
      await vi.waitFor(() => expect(second.requests).toHaveLength(1));
      expect(second.requests[0]!.headers).toMatchObject({ 'if-none-match': '"s1-abc"' });
      second.segments.dispose();
    });

    it('a failure backs off (1 min, 2 min, …) and keeps the last segments', async () => {
      const { segments, requests, setAnswer, time } = harness({ answer: conditional });
      segments.start();
      await time.advance(0);
      await scheduled(time);
      setAnswer(() => new Response('busy', { status: 503 }));
      // Exactly when it is due (random 0.5 puts it at 6 h): later would let the retries run too.
      await time.advance(6 * HOUR);
      await vi.waitFor(() => expect(requests).toHaveLength(2));
      await scheduled(time);
      // random 0.5 → three quarters of the backoff: 45 s after the failure, then 90 s after the next (at 135 s).
      await time.advance(44_000);
      expect(requests).toHaveLength(2);
      await time.advance(2_000);
      await vi.waitFor(() => expect(requests).toHaveLength(3));
      await scheduled(time);
      await time.advance(88_000);
      expect(requests).toHaveLength(3);
      await time.advance(2_000);
      await vi.waitFor(() => expect(requests).toHaveLength(4));
      expect(segments.current()).toEqual(['vip']);
      segments.dispose();
    });

    it('only with consent: granting it asks at once, withdrawing it stops the schedule and deletes the file', async () => {
      const { segments, requests, setConsent, time, dir } = harness({ consent: 'none', answer: conditional });
      segments.start();
      await time.advance(7 * HOUR);
      expect(requests).toHaveLength(0);
      setConsent('anonymous-usage');
      segments.consentChanged();
      await time.advance(0);
      await vi.waitFor(() => expect(segments.current()).toEqual(['vip']));
      expect(requests).toHaveLength(1);
      setConsent('none');
      segments.consentChanged();
      await vi.waitFor(() => expect(existsSync(join(dir, 'crm-segments.json'))).toBe(false));
      await time.advance(13 * HOUR);
      expect(requests).toHaveLength(1);
      expect(segments.current()).toEqual([]);
      segments.dispose();
    });
  });
});
