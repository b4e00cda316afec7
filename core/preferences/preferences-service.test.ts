import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeChecksummedLine } from '../storage/checksummed-line.js';
import { createSettingsService, memorySettingsStorage } from '../settings-service.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { createPreferencesService } from './preferences-service.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-preferences-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (storage = memorySettingsStorage(), policy = { enforced: {}, recommended: {}, sources: [] as string[] }) => {
  const time = new FakeTime(Date.UTC(2026, 11, 2, 9));
  const settings = createSettingsService(storage, time);
  const preferences = createPreferencesService({
    settings,
    policy,
    dataDir: dir,
    backendUrl: 'https://messages.example',
    locale: () => 'en-GB',
    clock: time,
    log: () => undefined,
  });
  return { settings, preferences };
};

describe('preference center', () => {
  it('shows a category locked by an enforced policy with its source, and the owner cannot turn it back', async () => {
    const { preferences } = open(memorySettingsStorage(), {
      enforced: { MessageCategoryOffers: false, ConsentCeiling: 'anonymous-usage' },
      recommended: {},
      sources: ['/etc/trayside/policy.json'],
    });
    await preferences.update({ category: { category: 'offers', on: true }, consent: 'support-sharing' });
    const view = preferences.view();
    expect(view.categories.find((row) => row.category === 'offers')).toMatchObject({ on: false, locked: true, source: 'policy' });
    expect(view.consent).toMatchObject({
      level: 'anonymous-usage',
      chosen: 'support-sharing',
      source: 'policy',
      ceiling: 'anonymous-usage',
    });
  });

  it("applies recommended policy to the fields the owner has not touched, and the owner's choice to the ones they have", async () => {
    const { preferences } = open(memorySettingsStorage(), {
      enforced: {},
      recommended: { MessageCategoryTips: true, ConsentCeiling: 'anonymous-usage' },
      sources: ['policy'],
    });
    expect(preferences.view().categories.find((row) => row.category === 'tips')).toMatchObject({
      on: true,
      source: 'recommended',
      locked: false,
    });
    expect(preferences.view().consent).toMatchObject({ level: 'anonymous-usage', source: 'recommended' });
    await preferences.update({ consent: 'none' });
    expect(preferences.view().consent).toMatchObject({ level: 'none', source: 'owner' });
    expect(preferences.view().categories.find((row) => row.category === 'tips')).toMatchObject({ source: 'recommended' });
  });

  it('reorder buttons and store links: on by default, their own switch apart from the categories and consent, lockable by policy', async () => {
    const { preferences, settings } = open();
    expect(preferences.view().storeLinks).toEqual({ on: true, locked: false, source: 'default' });
    const off = await preferences.update({ storeLinks: false });
    expect(off.storeLinks).toEqual({ on: false, locked: false, source: 'owner' });
    expect(off.categories.map((row) => row.on)).toEqual(preferences.view().categories.map((row) => row.on));
    expect(settings.get()).toMatchObject({ storeLinks: false, consent: 'none', messageCategories: { supplies: true } });

    const locked = open(memorySettingsStorage(), { enforced: { StoreLinks: false }, recommended: {}, sources: ['HKLM'] });
    await locked.preferences.update({ storeLinks: true });
    expect(locked.preferences.view().storeLinks).toEqual({ on: false, locked: true, source: 'policy' });
    const suggested = open(memorySettingsStorage(), { enforced: {}, recommended: { StoreLinks: false }, sources: ['HKLM'] });
    expect(suggested.preferences.view().storeLinks).toEqual({ on: false, locked: false, source: 'recommended' });
    await suggested.preferences.update({ storeLinks: true });
    expect(suggested.preferences.view().storeLinks).toEqual({ on: true, locked: false, source: 'owner' });
  });

  it('keeps marketing off until the owner opts in', () => {
    const { preferences } = open();
    expect(
      preferences
        .view()
        .categories.filter((row) => row.marketing)
        .map((row) => [row.category, row.on, row.source]),
    ).toEqual([
      ['tips', false, 'default'],
      ['offers', false, 'default'],
      ['surveys', false, 'default'],
    ]);
  });

  it('writes each consent change to the ledger on disk, with time, level, wording version and locale, and reads it back after a restart', async () => {
    const storage = memorySettingsStorage();
    const first = open(storage);
    await first.preferences.update({ consent: 'anonymous-usage', locale: 'de-DE' });
    await first.preferences.update({ consent: 'none' });
    first.preferences.dispose();
    await vi.waitFor(async () =>
      expect((await readFile(join(dir, 'preferences', 'consent-ledger.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2),
    );
    const again = open(storage);
    expect(again.preferences.view().ledger).toEqual([
      { at: Date.UTC(2026, 11, 2, 9), level: 'none', wordingVersion: 1, locale: 'en-GB', how: 'panel' },
      { at: Date.UTC(2026, 11, 2, 9), level: 'anonymous-usage', wordingVersion: 1, locale: 'de-DE', how: 'panel' },
    ]);
    again.preferences.dispose();
  });

  it('skips a damaged ledger line and keeps the others', async () => {
    await mkdir(join(dir, 'preferences'));
    const good = JSON.stringify({ at: 1, level: 'anonymous-usage', wordingVersion: 1, locale: 'en', how: 'panel' });
    await writeFile(join(dir, 'preferences', 'consent-ledger.jsonl'), `${good}\n{"at": tor`);
    const { preferences } = open();
    await preferences.update({ consent: 'support-sharing' });
    expect(preferences.view().ledger.map((entry) => entry.level)).toEqual(['support-sharing', 'anonymous-usage']);
    preferences.dispose();
    await vi.waitFor(async () =>
      expect(await readFile(join(dir, 'preferences', 'consent-ledger.jsonl'), 'utf8')).toMatch(/support-sharing/),
    );
    const again = open();
    expect(again.preferences.view().ledger.map((entry) => entry.level)).toEqual(['support-sharing', 'anonymous-usage']);
    again.preferences.dispose();
  });

  it('shows the exact events waiting in the queue file, without the ones already sent', async () => {
    await mkdir(join(dir, 'events'));
    const event = (id: string) => ({
      id,
      type: 'open',
      at: '2026-12-02T08:00:00.000Z',
      campaignId: 'cyan-low',
      variantId: 'a',
      messageId: 'cyan-low@1',
    });
    const waiting = event('9f1c0a52-5a2e-4c1e-9d7e-6a1f4b1e2c3d');
    await writeFile(
      join(dir, 'events', 'events.log'),
      Buffer.concat([
        encodeChecksummedLine({ add: event('0b7d7e5c-1f1a-4d5b-8c47-2d0b0f1f0e11') }),
        encodeChecksummedLine({ add: waiting }),
        encodeChecksummedLine({ done: ['0b7d7e5c-1f1a-4d5b-8c47-2d0b0f1f0e11'] }),
      ]),
    );
    const { preferences } = open();
    const { queued } = await preferences.transparency();
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0]!.body!)).toEqual(waiting);
    expect(queued[0]!.destination).toBe('POST https://messages.example/v1/events');
    preferences.dispose();
  });
});
