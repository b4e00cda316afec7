// The settings file under every fault a machine can hand it, through the whole core: the Node
// host's real file storage in a temp dir, the real event queue beside it holding 50 events a
// previous run recorded with the owner's consent. Start-up goes on, the owner is told (the status
// the panel shows), nothing queued is sent until the owner chooses a consent level again, and
// nothing queued is deleted except by the owner choosing "none".
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelName } from '../../../common/contract/index.js';
import type { SettingsStatus } from '../../../common/settings.js';
import { DEFAULT_SETTINGS } from '../../../common/settings.js';
import { bundledBranding } from '../../../core/branding/load-branding.js';
import { createCore, type Core, type CoreFetch } from '../../../core/core.js';
import { fileSettingsStorage } from '../../../host/file-settings-storage.js';
import { FakeTime } from '../../support/fake-time.js';
import { testCoreOptions } from '../../support/test-core.js';

const QUEUED = 50;
const isRoot = process.getuid?.() === 0;
let dir = '';
let core: Core | undefined;
afterEach(async () => {
  core?.dispose();
  core = undefined;
  await new Promise((resolve) => setTimeout(resolve, 20)); // the queue closes asynchronously
  if (dir !== '') {
    chmodSync(dir, 0o700);
    if (existsSync(join(dir, 'settings.json'))) chmodSync(join(dir, 'settings.json'), 0o600);
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
  dir = '';
});

interface World {
  time: FakeTime;
  log: string[];
  /** Bodies of every upload the core attempted. */
  uploads: string[];
  file: string;
  start(): Promise<Core>;
  call(name: string, input?: unknown): Promise<unknown>;
  pending(): Promise<number>;
}

/** A data dir where an earlier run, with consent, queued 50 events the (then unreachable) backend never got. */
async function world(): Promise<World> {
  dir = mkdtempSync(join(tmpdir(), 'trayside-settings-faults-'));
  const time = new FakeTime();
  const log: string[] = [];
  const uploads: string[] = [];
  let serverUp = false;
  const fetch: CoreFetch = async (url, init) => {
    const body = init.body ?? '';
    // The app registers its install credential before its first upload; this backend accepts it.
    if (new URL(url).pathname === '/v1/installs') {
      const { installId } = JSON.parse(body) as { installId: string };
      return serverUp
        ? new Response(JSON.stringify({ installId, status: 'registered' }), { status: 201 })
        : new Response('down', { status: 503 });
    }
    uploads.push(body);
    const count = (JSON.parse(body) as { events: unknown[] }).events.length;
    return serverUp
      ? new Response(JSON.stringify({ accepted: count, duplicates: 0, rejected: [] }), { status: 200 })
      : new Response('down', { status: 503 });
  };
  const branding = { ...bundledBranding(), backendUrl: 'http://127.0.0.1:9' };
  const start = async (): Promise<Core> => {
    core = createCore(
      testCoreOptions(time, {
        settingsStorage: fileSettingsStorage(dir, undefined, time),
        branding,
        dataDir: dir,
        features: { messages: false },
        fetch,
        tuning: { uploader: { debounceMs: 1000, baseDelayMs: 2000, maxDelayMs: 10_000, random: () => 1 } },
        log: (line) => log.push(line),
      }),
    );
    await core.start();
    await core.engagement;
    await time.advance(0);
    return core;
  };
  const w: World = {
    time,
    log,
    uploads,
    file: join(dir, 'settings.json'),
    start,
    async call(name, input) {
      const result = await core!.dispatch(channelName('settings', name), input);
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value;
    },
    pending: async () => (await core!.engagement).stats().pending,
  };

  // The earlier run: the owner agreed to share usage data; 50 events were recorded, none delivered.
  await start();
  await w.call('update', { consent: 'anonymous-usage' });
  const engagement = await core!.engagement;
  for (let i = 0; i < QUEUED; i++) await engagement.record({ type: 'impression', campaignId: 'cyan-low', variantId: 'a' });
  expect(await w.pending()).toBe(QUEUED);
  core!.dispose();
  await new Promise((resolve) => setTimeout(resolve, 20));
  uploads.length = 0;
  serverUp = true;
  return w;
}

const status = async (w: World) => (await w.call('getStatus')) as SettingsStatus;

describe('settings file faults', () => {
  it('a partial update keeps consent and the 50 queued events', async () => {
    const w = await world();
    await w.start();
    const after = (await w.call('update', { devicePollSeconds: 60 })) as typeof DEFAULT_SETTINGS;
    await w.time.advance(0);
    expect(await w.pending()).toBe(QUEUED);
    // The owner chose both fields themselves (recommended policy values apply only to the others).
    expect(after).toEqual({
      ...DEFAULT_SETTINGS,
      consent: 'anonymous-usage',
      devicePollSeconds: 60,
      chosenFields: ['consent', 'devicePollSeconds'],
    });
    // And they go out, once, with the consent the owner gave.
    await (await core!.engagement).flush();
    expect(await w.pending()).toBe(0);
    expect(w.uploads.map((body) => (JSON.parse(body) as { consent: string }).consent)).toContain('anonymous-usage');
  });

  const DAMAGED: Array<[string, (file: string) => void, RegExp]> = [
    ['missing', (file) => unlinkSync(file), /was missing while 50 events from an earlier run were waiting/],
    ['empty', (file) => writeFileSync(file, ''), /is empty/],
    ['truncated JSON', (file) => writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40)), /is not valid JSON/],
    ['garbage bytes', (file) => writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x80])), /is not valid JSON/],
    ['null', (file) => writeFileSync(file, 'null'), /holds null instead of settings/],
    ['a JSON array', (file) => writeFileSync(file, '[]'), /holds an array instead of settings/],
    [
      'an invalid consent value',
      (file) => writeFileSync(file, JSON.stringify({ settings: { ...DEFAULT_SETTINGS, consent: 'all-of-it' } })),
      /holds an invalid consent value/,
    ],
    [
      'a directory in its place',
      (file) => {
        unlinkSync(file);
        mkdirSync(file);
      },
      /could not be read \(EISDIR\)/,
    ],
  ];

  it.each(DAMAGED)(
    '%s: starts, tells the owner, keeps the queue and sends nothing until consent is chosen again',
    async (kind, damage, problem) => {
      const w = await world();
      damage(w.file);
      await w.start();

      const told = await status(w);
      expect(told.consent).toBe('unknown');
      expect(told.recovered?.problem).toMatch(problem);
      expect(told.recovered?.file).toBe(w.file);
      if (kind !== 'missing' && kind !== 'an invalid consent value') {
        expect(told.recovered?.keptAs).toMatch(/settings\.json\.damaged-\d+$/);
        expect(existsSync(told.recovered!.keptAs!)).toBe(true);
      }
      const line = w.log.find((entry) => entry.startsWith('settings:') && entry.includes(w.file));
      expect(line).toMatch(problem);
      expect(line).toMatch(/usage sharing is paused/);

      // Paused: time passes, other settings change, nothing is sent and nothing is deleted.
      await w.time.advance(120_000);
      await w.call('update', { devicePollSeconds: 60 });
      await w.call('pauseNotifications', { choice: 'one-hour' });
      await w.time.advance(120_000);
      expect(w.uploads).toEqual([]);
      expect(await w.pending()).toBe(QUEUED);
      expect((await status(w)).consent).toBe('unknown');

      // A restart before the owner answers still asks.
      core!.dispose();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await w.start();
      expect(await status(w)).toMatchObject({ consent: 'unknown', recovered: { problem: expect.stringMatching(problem) } });
      expect(await w.pending()).toBe(QUEUED);

      // The owner chooses again: the notice goes, the waiting events are delivered.
      await w.call('update', { consent: 'anonymous-usage' });
      expect(await status(w)).toEqual({ consent: 'known', recovered: null, notSaved: null });
      await w.time.advance(5_000);
      expect(w.uploads.length).toBeGreaterThan(0);
      expect(await w.pending()).toBe(0);
    },
  );

  it('the owner choosing "none" after a damaged file is a withdrawal: the queue is deleted', async () => {
    const w = await world();
    writeFileSync(w.file, '{"settings": {"consent": "anonym');
    await w.start();
    expect((await status(w)).consent).toBe('unknown');
    await w.call('update', { consent: 'none' });
    await w.time.advance(0);
    expect(await w.pending()).toBe(0);
    await w.time.advance(120_000);
    expect(w.uploads).toEqual([]);
    expect((await status(w)).consent).toBe('known');
  });

  it('an explicit withdrawal with a healthy file still deletes the queue', async () => {
    const w = await world();
    await w.start();
    await w.call('update', { consent: 'none' });
    await w.time.advance(0);
    expect(await w.pending()).toBe(0);
  });

  it.each([
    ['a read-only file', (w: World) => chmodSync(w.file, 0o444), (w: World) => `${w.file} is read-only`],
    ['a read-only folder', (_w: World) => chmodSync(dir, 0o555), (_w: World) => `the folder ${dir} is read-only`],
  ])('%s: starts, says once it cannot save settings and where, runs on in memory', async (_kind, lock, problem) => {
    const w = await world();
    const before = readFileSync(w.file, 'utf8');
    lock(w);
    await w.start();
    expect((await status(w)).notSaved).toEqual({ file: w.file, problem: problem(w) });
    await w.call('update', { devicePollSeconds: 60 });
    await w.call('update', { launchAtLogin: false });
    expect(await w.call('get')).toMatchObject({ consent: 'anonymous-usage', devicePollSeconds: 60, launchAtLogin: false });
    expect(w.log.filter((line) => line.includes(`cannot save settings to ${w.file}`))).toHaveLength(1);
    expect(readFileSync(w.file, 'utf8')).toBe(before);
    // Consent was read fine: the queue is kept and delivered as the owner agreed.
    await w.time.advance(5_000);
    expect(await w.pending()).toBe(0);
    expect(w.uploads.length).toBeGreaterThan(0);
    expect(statSync(w.file).isFile()).toBe(true);
  });

  it.skipIf(isRoot)('an unreadable file (EACCES): kept aside and reported (skipped as root: root reads a 0000 file)', async () => {
    const w = await world();
    chmodSync(w.file, 0o000);
    await w.start();
    expect((await status(w)).recovered?.problem).toBe('could not be read (EACCES)');
    expect(await w.pending()).toBe(QUEUED);
  });
});
