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

function harness(options: { consent?: Consent; answer?: Answer; dir?: string } = {}) {
  const dir = options.dir ?? tempDir('trayside-segments-');
  let consent: Consent = options.consent ?? 'anonymous-usage';
  const requests: Array<{ url: string; headers: Record<string, string> }> = [];
  const log: string[] = [];
  let answer = options.answer ?? (() => Response.json({ segments: ['printer-plus', 'eu-owners'] }));
  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, headers: init.headers });
    return answer(init.signal);
  };
  const time = new FakeTime();
  const segments = createCrmSegments({ backendUrl: 'https://api.example.com/', installId: INSTALL, storageDir: dir, fetch, consent: () => consent, clock: time, timers: time, log: (line) => log.push(line) });
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
    expect(requests).toEqual([{ url: `https://api.example.com/v1/segments/${INSTALL}`, headers: expect.objectContaining({ 'x-trayside-install': INSTALL }) }]);
    expect(segments.current()).toEqual(['eu-owners', 'printer-plus']);
    expect(await segments.refresh()).toBe(false);
    // A restart offline starts from the saved answer.
    expect(harness({ dir, answer: () => Promise.reject(new TypeError('offline')) }).segments.current()).toEqual(['eu-owners', 'printer-plus']);
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
});
