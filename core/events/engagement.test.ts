import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Emitter } from '../../common/lifecycle.js';
import type { Consent } from '../../common/settings.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { createEngagementService, type EngagementService } from './engagement.js';
import type { PostFetch } from './uploader.js';

let dir = '';
let service: EngagementService | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-engagement-'));
});
afterEach(async () => {
  service?.dispose();
  await rm(dir, { recursive: true, force: true });
});

function setup(initial: Consent, answer: (body: string) => Response) {
  let consent = initial;
  const changed = new Emitter<Consent>();
  const withdrawn = new Emitter<void>();
  const bodies: string[] = [];
  const registrations: string[] = [];
  const time = new FakeTime();
  const fetch: PostFetch = async (url, init) => {
    // The install registers its credential once before its first upload (core/events/install-authorization.ts).
    if (url.endsWith('/v1/installs')) {
      registrations.push(init.headers.authorization ?? '');
      return new Response(JSON.stringify({ installId: (JSON.parse(init.body) as { installId: string }).installId, status: 'registered' }), {
        status: 201,
      });
    }
    bodies.push(init.body);
    return answer(init.body);
  };
  const open = () =>
    createEngagementService({
      dataDir: dir,
      backendUrl: 'http://127.0.0.1:9',
      consent: () => consent,
      onConsentChanged: (listener) => changed.on(listener),
      onConsentWithdrawn: (listener) => withdrawn.on(() => listener()),
      fetch,
      clock: time,
      timers: time,
      log: () => undefined,
      uploader: { debounceMs: 1000, baseDelayMs: 2000, maxDelayMs: 60_000, random: () => 1 },
    });
  return {
    time,
    bodies,
    registrations,
    open,
    /** The owner's choice, as the settings service announces it: "none" after a sharing level is a withdrawal. */
    setConsent(next: Consent) {
      const withdrawal = next === 'none' && consent !== 'none';
      consent = next;
      changed.fire(next);
      if (withdrawal) withdrawn.fire();
    },
  };
}

const ok = () => new Response(JSON.stringify({ accepted: 1, duplicates: 0, rejected: [] }), { status: 200 });
const draft = { type: 'impression', campaignId: 'cyan-low', variantId: 'a' } as const;

describe('engagement events and consent', () => {
  it('records nothing and sends nothing without consent', async () => {
    const world = setup('none', ok);
    service = await world.open();
    expect(await service.record(draft)).toEqual({ recorded: false });
    await world.time.advance(60_000);
    expect(world.bodies).toEqual([]);
    // Not even the credential's registration: nothing identifying the install leaves without consent.
    expect(world.registrations).toEqual([]);
    expect(service.stats().pending).toBe(0);
  });

  it('uploads with consent, and deletes what waits when consent is withdrawn', async () => {
    const world = setup('anonymous-usage', () => new Response('down', { status: 503 }));
    service = await world.open();
    expect((await service.record(draft)).recorded).toBe(true);
    await world.time.advance(1000);
    expect(world.bodies).toHaveLength(1);
    expect(JSON.parse(world.bodies[0]!)).toMatchObject({
      consent: 'anonymous-usage',
      events: [{ type: 'impression', campaignId: 'cyan-low' }],
    });
    expect(world.registrations).toEqual([expect.stringMatching(/^Bearer ts_install_[A-Za-z0-9_-]{43}$/)]);

    world.setConsent('none');
    await world.time.advance(120_000);
    // The retry found no consent: nothing more went out, and the queue is empty on disk too.
    expect(world.bodies).toHaveLength(1);
    expect(service.stats().pending).toBe(0);
    service.dispose();
    service = await world.open();
    expect(service.stats().pending).toBe(0);
  });

  it('backs off exponentially while the server fails, then delivers', async () => {
    let failing = true;
    const world = setup('anonymous-usage', () => (failing ? new Response('x', { status: 500 }) : ok()));
    service = await world.open();
    await service.record(draft);
    await world.time.advance(1000); // first try
    await world.time.advance(2000); // retry after 2 s
    await world.time.advance(4000); // then 4 s
    expect(world.bodies).toHaveLength(3);
    await world.time.advance(7000); // next is due at 8 s: nothing before
    expect(world.bodies).toHaveLength(3);
    failing = false;
    await world.time.advance(1000);
    expect(world.bodies).toHaveLength(4);
    expect(service.stats().pending).toBe(0);
    // Every attempt carried the same event id: the server counts it once.
    expect(new Set(world.bodies.map((body) => (JSON.parse(body) as { events: { id: string }[] }).events[0]!.id)).size).toBe(1);
  });

  it('keeps a random install id, the same after a restart', async () => {
    const world = setup('anonymous-usage', ok);
    service = await world.open();
    const first = service.installId;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    service.dispose();
    service = await world.open();
    expect(service.installId).toBe(first);
    expect((JSON.parse(await readFile(join(dir, 'install.json'), 'utf8')) as { installId: string }).installId).toBe(first);
  });
});
