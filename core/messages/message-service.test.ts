import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../common/branding.js';
import type { MessagesState } from '../../common/contract/messages.js';
import type { DeviceSnapshot } from '../../common/device.js';
import { Emitter } from '../../common/lifecycle.js';
import type { Manifest, ManifestMessage } from '../../common/messages/index.js';
import { DEFAULT_SETTINGS, type Settings } from '../../common/settings.js';
import { classifySupply } from '../../common/supply.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { openSupplyHistory } from '../devices/supply-history.js';
import { loadInstallIdentitySync } from '../install-identity.js';
import { inGlobalHoldout } from '../roi/holdout.js';
import { makeTestKey, signManifest, testManifest, testMessage } from '../../test/support/manifests.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createMessageService, localeChain } from './message-service.js';
import type { FetchLike } from './poller.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 5, 1, 10, 0);
const key = makeTestKey();

function printer(levels: Partial<Record<'black' | 'cyan', number>> = {}, conditions: string[] = [], id = 'sim-1'): DeviceSnapshot {
  return {
    id,
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Trayside Demo Printer', firmware: '2.4', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: conditions.map((code) => ({ code, severity: 'error' as const, message: code })),
    supplies: (['black', 'cyan'] as const).map((colour) =>
      classifySupply({
        id: colour,
        name: colour,
        kind: 'ink',
        role: 'consumable',
        color: { name: colour, hex: '#000000' },
        level: { kind: 'percent', percent: levels[colour] ?? 80 },
        lowThreshold: 10,
      }),
    ),
    facts: {},
    stale: false,
    updatedAt: 0,
  };
}

/** The backend as the client sees it: one current answer, ETag-aware. */
class FakeBackend {
  body: string | null = null;
  etag = '"0"';
  /** Overrides the next answers (500, timeouts, garbage). */
  failures: Array<'500' | 'timeout' | 'garbage' | 'refused'> = [];
  requests = 0;
  fetch: FetchLike = async (_url, init) => {
    this.requests += 1;
    const failure = this.failures.shift();
    if (failure === '500') return new Response('oops', { status: 500 });
    if (failure === 'garbage') return new Response('<html>not json', { status: 200 });
    if (failure === 'refused') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    if (failure === 'timeout')
      return new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    if (this.body === null) return new Response('not found', { status: 404 });
    if (init.headers['if-none-match'] === this.etag) return new Response(null, { status: 304 });
    return new Response(this.body, { status: 200, headers: { etag: this.etag } });
  };
  publish(manifest: Manifest): void {
    this.body = JSON.stringify(signManifest(key, manifest));
    this.etag = `"${manifest.version}-${manifest.issuedAt}"`;
  }
}

const tempDir = tempDirs();
const live: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const service of live.splice(0)) service.dispose();
});

function harness(
  options: {
    dir?: string;
    time?: FakeTime;
    backend?: FakeBackend;
    snapshots?: DeviceSnapshot[];
    settings?: Partial<Settings>;
    tickMs?: number;
  } = {},
) {
  const time = options.time ?? new FakeTime(START);
  const backend = options.backend ?? new FakeBackend();
  const dir = options.dir ?? tempDir('trayside-messages-');
  // The devices feature as the core composes it: each snapshot passes the supply history, which adds days left.
  const history = openSupplyHistory({ dir, clock: time, timers: time });
  let snapshots = (options.snapshots ?? [printer()]).map((snapshot) => history.forecast(snapshot));
  const devicesChanged = new Emitter<DeviceSnapshot[]>();
  let settings: Settings = { ...DEFAULT_SETTINGS, locale: 'en', ...options.settings };
  const settingsChanged = new Emitter<Settings>();
  const shown: string[] = [];
  const clicks: Array<() => void> = [];
  let badge = 0;
  const service = createMessageService({
    branding: BrandingSchema.parse({
      name: 'Test',
      backendUrl: 'http://127.0.0.1:9',
      signingKeys: [key.publicKeyBase64],
      productLine: 'trayside-demo',
      allowedImageHosts: ['cdn.example.com'],
    }),
    storageDir: dir,
    install: loadInstallIdentitySync({ path: join(dir, 'install.json'), now: time.now(), log: () => undefined }),
    clock: time,
    timers: time,
    fetch: backend.fetch,
    random: () => 0.5,
    notifier: {
      show: (notification, onClick) => {
        shown.push(notification.messageId);
        clicks.push(onClick);
      },
      setBadge: (count) => (badge = count),
    },
    settings: {
      get: () => settings,
      onChanged: (listener) => settingsChanged.on(listener),
      notificationsPaused: () => (settings.notificationsPausedUntil ?? 0) > time.now(),
    },
    devices: { snapshots: () => snapshots, onChanged: (listener) => devicesChanged.on(listener) },
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
    ...(options.tickMs ? { tickMs: options.tickMs } : {}),
  });
  live.push(service, history);
  return {
    time,
    backend,
    dir,
    service,
    history,
    shown,
    clicks,
    badge: () => badge,
    inbox: () => service.inbox().items.map((item) => item.id),
    setDevices(next: DeviceSnapshot[]) {
      snapshots = next.map((snapshot) => history.forecast(snapshot));
      devicesChanged.fire(snapshots);
    },
    setSettings(patch: Partial<Settings>) {
      settings = { ...settings, ...patch };
      settingsChanged.fire(settings);
    },
    async start() {
      service.start();
      await time.advance(0);
    },
  };
}

/** The manifest cache writes off the main thread (real disk work): wait until the file is there. */
const savedManifest = (dir: string) => vi.waitFor(() => expect(existsSync(join(dir, 'manifest.json'))).toBe(true));

const manifestWith = (messages: ManifestMessage[], version = 1, at = START) => testManifest(at, { version, messages });

describe('message service: triggers', () => {
  type Case = [string, ManifestMessage['triggers'], (h: ReturnType<typeof harness>) => Promise<void>];
  const cases: Case[] = [
    ['app start', [{ type: 'app-start' }], async () => undefined],
    ['device connected', [{ type: 'device-connected' }], async (h) => h.setDevices([printer()])],
    [
      'supply below 15 %',
      [{ type: 'supply-below', supply: { color: 'cyan' }, percent: 15 }],
      async (h) => h.setDevices([printer({ cyan: 12 })]),
    ],
    ['device error code', [{ type: 'device-error', codes: ['media-jam'] }], async (h) => h.setDevices([printer({}, ['media-jam'])])],
    [
      'run-out within 7 days',
      [{ type: 'supply-runout', supply: { color: 'cyan' }, days: 7 }],
      async (h) => {
        // 3 points a day from 40 %: about 13 days left at first, 7 days left after day 6.
        for (let day = 1; day <= 8; day += 1) {
          await h.time.advance(DAY);
          h.setDevices([printer({ cyan: 40 - 3 * day })]);
        }
      },
    ],
  ];

  it.each(cases)('%s: delivers when it happens, not before', async (_name, triggers, happen) => {
    const h = harness({ snapshots: [], tickMs: HOUR });
    const message = testMessage({ campaignId: 'm', triggers, caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 } });
    h.backend.publish(testManifest(START, { messages: [message], expiresAt: new Date(START + 30 * DAY).toISOString() }));
    const alreadyAtStart = triggers[0]!.type === 'app-start';
    await h.start();
    expect(h.inbox()).toEqual(alreadyAtStart ? ['m@1'] : []);
    await happen(h);
    await h.time.advance(MINUTE);
    expect(h.inbox()).toEqual(['m@1']);
  });

  it('scheduled: waits for the schedule window to open, then delivers within a minute', async () => {
    const h = harness();
    h.backend.publish(
      manifestWith([
        testMessage({
          campaignId: 'later',
          triggers: [{ type: 'scheduled' }],
          schedule: { start: '2026-06-01T12:00', end: '2026-06-01T13:00', timeZone: 'UTC' },
        }),
      ]),
    );
    await h.start();
    await h.time.advance(HOUR + 59 * MINUTE);
    expect(h.inbox()).toEqual([]);
    await h.time.advance(2 * MINUTE);
    expect(h.inbox()).toEqual(['later@1']);
  });

  it('targets on the device: a rule that does not match this printer delivers nothing', async () => {
    const h = harness();
    h.backend.publish(
      manifestWith([
        testMessage({ campaignId: 'old-firmware', rule: { 'version<': [{ var: 'device.firmware' }, '2.3'] } }),
        testMessage({ campaignId: 'new-firmware', rule: { 'version>=': [{ var: 'device.firmware' }, '2.3'] } }),
        testMessage({ campaignId: 'us-only', regions: ['US'] }),
      ]),
    );
    await h.start();
    await h.time.advance(HOUR);
    expect(h.inbox()).toEqual(['new-firmware@1']);
  });
});

describe('message service: delivery and routing', () => {
  it('delivers one message at a time by priority, then the next after the global interval', async () => {
    const h = harness();
    h.backend.publish(manifestWith([testMessage({ campaignId: 'low', priority: 1 }), testMessage({ campaignId: 'high', priority: 900 })]));
    await h.start();
    expect(h.inbox()).toEqual(['high@1']);
    await h.time.advance(21 * MINUTE);
    expect(h.inbox()).toEqual(['low@1', 'high@1']);
  });

  it('urgent: OS notification and tray badge; clicking opens the panel at the message; reading clears the badge', async () => {
    const h = harness();
    h.backend.publish(
      manifestWith([
        testMessage({
          campaignId: 'jam',
          urgency: 'urgent',
          variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Paper jam', body: 'Open **door B**', actions: [] } }],
        }),
      ]),
    );
    const opened: string[] = [];
    h.service.onOpenRequested(({ id }) => opened.push(id));
    await h.start();
    // The notification waits for the ledger's fsync (write-ahead), which is real disk work.
    await vi.waitFor(() => expect(h.shown).toEqual(['jam@1']));
    expect(h.badge()).toBe(1);
    h.clicks[0]!();
    expect(opened).toEqual(['jam@1']);
    h.service.markRead('jam@1');
    expect(h.badge()).toBe(0);
    expect(h.service.inbox().unreadCount).toBe(0);
  });

  it('normal messages go to the inbox only; paused notifications keep urgent ones in the inbox without a popup', async () => {
    const h = harness({ settings: { notificationsPausedUntil: START + HOUR } });
    h.backend.publish(
      manifestWith([
        testMessage({ campaignId: 'tip' }),
        testMessage({ campaignId: 'urgent', urgency: 'urgent', category: 'service', priority: 1 }),
      ]),
    );
    await h.start();
    await h.time.advance(HOUR);
    expect(h.shown).toEqual([]);
    expect(h.inbox().sort()).toEqual(['tip@1', 'urgent@1']);
  });

  it('quiet hours hold messages back until they end; an opted-out category never arrives', async () => {
    const h = harness({ settings: { quietHours: { start: '09:00', end: '11:30' } } });
    h.backend.publish(manifestWith([testMessage({ campaignId: 'supplies' }), testMessage({ campaignId: 'offer', category: 'offers' })]));
    await h.start();
    expect(h.inbox()).toEqual([]);
    await h.time.advance(89 * MINUTE);
    expect(h.inbox()).toEqual([]);
    await h.time.advance(2 * MINUTE);
    expect(h.inbox()).toEqual(['supplies@1']);
    await h.time.advance(HOUR);
    expect(h.inbox()).toEqual(['supplies@1']);
    h.setSettings({ messageCategories: { ...DEFAULT_SETTINGS.messageCategories, offers: true } });
    await h.time.advance(0);
    expect(h.inbox()).toEqual(['offer@1', 'supplies@1']);
  });

  it('dismiss removes a message for good; snooze hides it and brings it back', async () => {
    const h = harness();
    h.backend.publish(manifestWith([testMessage({ campaignId: 'a', priority: 2 }), testMessage({ campaignId: 'b', priority: 1 })]));
    await h.start();
    await h.time.advance(30 * MINUTE);
    expect(h.inbox()).toEqual(['b@1', 'a@1']);
    h.service.dismiss('a@1');
    h.service.snooze('b@1', 2);
    expect(h.inbox()).toEqual([]);
    await h.time.advance(2 * HOUR + MINUTE);
    expect(h.inbox()).toEqual(['b@1']);
    expect(() => h.service.dismiss('nope@1')).toThrow(/No message "nope@1"/);
  });

  it('a snoozed message is listed with the time it comes back; restore (undo, unsnooze) brings it back as it was, across a restart', async () => {
    const dir = tempDir('trayside-messages-');
    const backend = new FakeBackend();
    backend.publish(manifestWith([testMessage({ campaignId: 'a', priority: 2 }), testMessage({ campaignId: 'b', priority: 1 })]));
    const first = harness({ dir, backend });
    await first.start();
    await first.time.advance(30 * MINUTE);
    first.service.snooze('b@1', 2);
    const snoozedAt = first.time.now();
    expect(first.service.inbox().snoozed).toEqual([
      { id: 'b@1', title: 'Title of b', urgency: 'normal', snoozedUntil: snoozedAt + 2 * HOUR },
    ]);
    first.service.dismiss('a@1');
    first.service.restore('a@1');
    first.service.restore('b@1');
    expect(first.service.inbox()).toMatchObject({ snoozed: [], unreadCount: 2 });
    expect(first.service.markAllRead()).toEqual(['b@1', 'a@1']);
    expect(first.service.markAllRead()).toEqual([]);
    first.service.dismiss('a@1');
    // Two deliveries, a snooze, a dismiss, two restores, two reads and a dismiss: all on disk before the restart.
    await vi.waitFor(() => expect(readFileSync(join(dir, 'ledger.jsonl'), 'utf8').trim().split('\n')).toHaveLength(9));
    first.service.dispose();

    const second = harness({ dir, backend, time: new FakeTime(first.time.now() + MINUTE) });
    await second.start();
    expect(second.service.inbox().items.map((item) => [item.id, item.read])).toEqual([['b@1', true]]);
    second.service.restore('a@1');
    expect(
      second.service
        .inbox()
        .items.map((item) => item.id)
        .sort(),
    ).toEqual(['a@1', 'b@1']);
  });

  it('"once" means once across a restart, and read state survives it', async () => {
    const dir = tempDir('trayside-messages-');
    const backend = new FakeBackend();
    backend.publish(
      manifestWith([testMessage({ campaignId: 'once', urgency: 'urgent', caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 } })]),
    );
    const first = harness({ dir, backend });
    await first.start();
    await vi.waitFor(() => expect(first.shown).toEqual(['once@1']));
    first.service.markRead('once@1');
    // The read lands on disk after the click (the ledger never blocks on fsync); a restart reads what landed.
    await vi.waitFor(() => expect(readFileSync(join(dir, 'ledger.jsonl'), 'utf8')).toContain('"type":"read"'));
    first.service.dispose();

    const time = new FakeTime(START + 3 * DAY);
    const second = harness({ dir, backend, time });
    await second.start();
    await time.advance(DAY);
    // Long enough for a notification wrongly due to get past the ledger's fsync and show.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.shown).toEqual([]);
    expect(second.service.inbox().items.map((item) => [item.id, item.read])).toEqual([['once@1', true]]);
  });

  it('only shows images from allow-listed https hosts', async () => {
    const h = harness();
    const withImage = (campaignId: string, url: string) =>
      testMessage({
        campaignId,
        variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: campaignId, body: '', image: { url, alt: 'pic' }, actions: [] } }],
      });
    h.backend.publish(
      manifestWith([withImage('good', 'https://cdn.example.com/a.png'), withImage('evil', 'https://evil.example.net/a.png')]),
    );
    await h.start();
    await h.time.advance(HOUR);
    const images = Object.fromEntries(h.service.inbox().items.map((item) => [item.campaignId, item.image?.url ?? null]));
    expect(images).toEqual({ good: 'https://cdn.example.com/a.png', evil: null });
  });
});

describe('message service: manifests', () => {
  it('archiving a campaign (a new manifest without it) removes it from the inbox', async () => {
    const h = harness();
    h.backend.publish(manifestWith([testMessage({ campaignId: 'gone' })], 1));
    await h.start();
    expect(h.inbox()).toEqual(['gone@1']);
    h.backend.publish(manifestWith([], 2, START + MINUTE));
    await h.time.advance(6 * MINUTE);
    expect(h.inbox()).toEqual([]);
    expect(h.service.status().manifestVersion).toBe(2);
  });

  it.each([
    [
      'a flipped byte',
      (good: string) => {
        const envelope = JSON.parse(good) as { payload: string };
        return JSON.stringify({ ...envelope, payload: envelope.payload.replace('Title of keep', 'Title of kEep') });
      },
    ],
    ['an older version replayed', () => JSON.stringify(signManifest(key, manifestWith([], 1, START)))],
    ['an expired manifest', () => JSON.stringify(signManifest(key, manifestWith([], 9, START - 30 * DAY)))],
    ['an unsigned manifest', () => JSON.stringify(manifestWith([], 9, START))],
  ])('rejects %s, keeps the last good one and says messages could not be verified', async (_name, evil) => {
    const h = harness();
    h.backend.publish(manifestWith([testMessage({ campaignId: 'keep' })], 3));
    await h.start();
    expect(h.inbox()).toEqual(['keep@1']);
    h.backend.body = evil(h.backend.body!);
    h.backend.etag = '"evil"';
    await h.service.checkNow();
    expect(h.inbox()).toEqual(['keep@1']);
    expect(h.service.status()).toMatchObject({
      verificationFailed: true,
      offline: false,
      manifestVersion: 3,
      problem: expect.stringMatching(/could not be verified/),
    });
  });

  it.each(['500', 'timeout', 'garbage', 'refused'] as const)(
    'a %s answer leaves the app working and says it is offline',
    async (failure) => {
      const h = harness();
      h.backend.publish(manifestWith([testMessage({ campaignId: 'keep' })]));
      await h.start();
      h.backend.failures.push(failure);
      const states: MessagesState[] = [];
      h.service.onChanged((state) => states.push(state));
      const checking = h.service.checkNow();
      await h.time.advance(20_000);
      await checking;
      const status = h.service.status();
      expect(h.inbox()).toEqual(['keep@1']);
      expect(failure === 'garbage' ? status.verificationFailed : status.offline).toBe(true);
      expect(states.at(-1)!.status.problem).toBeTruthy();
      // Backs off, then recovers by itself.
      await h.time.advance(2 * MINUTE);
      expect(h.service.status()).toMatchObject({ offline: false, verificationFailed: false });
    },
  );

  it('works offline after a restart from the saved manifest', async () => {
    const dir = tempDir('trayside-messages-');
    const backend = new FakeBackend();
    backend.publish(manifestWith([testMessage({ campaignId: 'saved' })]));
    const first = harness({ dir, backend });
    await first.start();
    await savedManifest(dir);
    first.service.dispose();
    backend.failures.push('refused', 'refused', 'refused');
    const second = harness({ dir, backend, time: new FakeTime(START + HOUR) });
    await second.start();
    expect(second.inbox()).toEqual(['saved@1']);
    expect(second.service.status()).toMatchObject({ offline: true, lastUpdated: START, manifestVersion: 1 });
  });

  it('shows nothing from a saved manifest that expired, and says so', async () => {
    const dir = tempDir('trayside-messages-');
    const backend = new FakeBackend();
    backend.publish(manifestWith([testMessage({ campaignId: 'old' })]));
    const first = harness({ dir, backend });
    await first.start();
    await savedManifest(dir);
    first.service.dispose();
    backend.failures.push('refused');
    const second = harness({ dir, backend, time: new FakeTime(START + 8 * DAY) });
    await second.start();
    expect(second.inbox()).toEqual([]);
    expect(second.service.status().expired).toBe(true);
  });

  it('leaves no timers behind when disposed', async () => {
    const h = harness();
    h.backend.publish(manifestWith([testMessage({ campaignId: 'x' })]));
    await h.start();
    h.service.dispose();
    h.history.dispose();
    expect(h.time.pendingCount).toBe(0);
  });
});

describe('localeChain', () => {
  it('goes from specific to general to the default', () => {
    expect(localeChain('zh-Hant-TW', 'en')).toEqual(['zh-Hant-TW', 'zh-Hant', 'zh', 'en']);
    expect(localeChain('en', 'en')).toEqual(['en']);
  });
});

describe('message service: guides', () => {
  it('carries the manifest’s guides into the inbox view, off the allow-list without their picture, and keeps them offline after a restart', async () => {
    const dir = tempDir('trayside-messages-');
    const backend = new FakeBackend();
    const step = (text: string, url: string) => ({ text, image: { url, alt: text } });
    backend.publish(
      testManifest(START, {
        guides: [
          {
            id: 'jam@1',
            guideId: 'jam',
            revision: 1,
            target: { models: ['Trayside Demo Printer'], errors: ['media-jam'], supplies: [] },
            locale: 'en',
            content: {
              title: 'How to clear a jam',
              steps: [step('Open the door.', 'https://cdn.example.com/door.png'), step('Pull.', 'https://elsewhere.example.net/pull.png')],
            },
          },
        ],
      }),
    );
    const first = harness({ dir, backend });
    await first.start();
    await savedManifest(dir);
    const pictures = (h: ReturnType<typeof harness>) =>
      h.service.inbox().guides?.map((guide) => [guide.content.title, guide.content.steps.map((entry) => entry.image?.url ?? null)]);
    expect(pictures(first)).toEqual([['How to clear a jam', ['https://cdn.example.com/door.png', null]]]);
    first.service.dispose();
    backend.failures.push('refused', 'refused', 'refused');
    const second = harness({ dir, backend, time: new FakeTime(START + HOUR) });
    await second.start();
    expect(second.service.status()).toMatchObject({ offline: true });
    expect(pictures(second)).toEqual([['How to clear a jam', ['https://cdn.example.com/door.png', null]]]);
  });
});

describe('message service: holdouts and goals', () => {
  const cyanNudge = testMessage({
    campaignId: 'cyan-nudge',
    goal: 'supply-replaced',
    triggers: [{ type: 'supply-below', supply: { color: 'cyan' }, percent: 15 }],
    caps: { maxImpressions: 5, maxPerDay: 1, cooldownHours: 24 },
  });
  const longManifest = (messages: ManifestMessage[], extra: Partial<Manifest> = {}) =>
    testManifest(START, { messages, expiresAt: new Date(START + 30 * DAY).toISOString(), ...extra });

  it('a reorder nudge leaves the inbox and stops once the printer reports the cyan cartridge replaced', async () => {
    const h = harness({ snapshots: [printer({ cyan: 12 })], tickMs: HOUR });
    h.backend.publish(longManifest([cyanNudge]));
    await h.start();
    expect(h.inbox()).toEqual(['cyan-nudge@1']);
    await h.time.advance(HOUR);
    h.setDevices([printer({ cyan: 97 })]);
    expect(h.inbox()).toEqual([]);
    // Weeks later the new cartridge runs low again: this campaign's job is done, it does not come back.
    await h.time.advance(20 * DAY);
    h.setDevices([printer({ cyan: 9 })]);
    await h.time.advance(MINUTE);
    expect(h.inbox()).toEqual([]);
  });

  it('a supply that only wobbles by a few points reaches no goal: the nudge stays', async () => {
    const h = harness({ snapshots: [printer({ cyan: 12 })] });
    h.backend.publish(longManifest([cyanNudge]));
    await h.start();
    h.setDevices([printer({ cyan: 14 })]);
    expect(h.inbox()).toEqual(['cyan-nudge@1']);
  });

  it('a survey stops once the owner answered it', async () => {
    const survey = testMessage({
      campaignId: 'survey',
      goal: 'answered',
      triggers: [{ type: 'scheduled' }],
      caps: { maxImpressions: 5, maxPerDay: 1, cooldownHours: 0 },
    });
    const h = harness();
    h.backend.publish(longManifest([survey]));
    await h.start();
    expect(h.inbox()).toEqual(['survey@1']);
    h.service.markRead('survey@1');
    h.service.reachGoal({ goal: 'answered', campaignId: 'survey' });
    await h.time.advance(2 * DAY);
    h.setDevices([printer()]);
    expect(h.service.inbox().items.map((item) => item.deliveredAt)).toEqual([START]);
  });

  it('an install in the global holdout sees nothing, yet "would have shown" is exposed with its trigger and paced by the caps', async () => {
    const h = harness({ snapshots: [printer({ cyan: 12 })] });
    const installId = h.service.installId()!;
    let salt = '';
    for (let index = 0; salt === ''; index += 1)
      if (inGlobalHoldout(installId, { salt: `salt-${index}ab`, share: 0.5 })) salt = `salt-${index}ab`;
    const exposures: string[] = [];
    h.service.onExposed((exposure) =>
      exposures.push(`${exposure.campaignId} ${exposure.arm} ${exposure.context.trigger} ${exposure.context.supplyId}`),
    );
    h.backend.publish(longManifest([cyanNudge], { holdout: { salt, share: 0.5 } }));
    await h.start();
    expect(h.inbox()).toEqual([]);
    expect(h.shown).toEqual([]);
    expect(exposures).toEqual(['cyan-nudge holdout supply-below cyan']);
    // Within the campaign's 24-hour cooldown the withheld exposure is not repeated.
    await h.time.advance(2 * HOUR);
    h.setDevices([printer({ cyan: 11 })]);
    expect(exposures).toHaveLength(1);
  });
});
