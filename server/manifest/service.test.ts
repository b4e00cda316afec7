import { describe, expect, it } from 'vitest';
import { CampaignInputSchema, SignedEnvelopeSchema, type ManifestSegment } from '../../common/messages/index.js';
import { createSigner, generateSigningKey, type Signer } from '../signing.js';
import { StoreHealth } from '../store/store-health.js';
import type { LiveCampaign, PublishState } from '../store/store.js';
import { DEFAULT_TIMING } from './build.js';
import { DEFAULT_MAX_CACHED_SEGMENTS, ManifestService, type ManifestStore } from './service.js';

const DAY = 86_400_000;

const everywhere: LiveCampaign = {
  id: 'everywhere',
  revision: 1,
  publishedAt: new Date(Date.UTC(2026, 0, 1)),
  campaign: CampaignInputSchema.parse({
    id: 'everywhere',
    name: 'Everywhere',
    category: 'tips',
    priority: 1,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['*'], locales: ['*'] },
    rule: true,
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title: 'Hello', body: '' } } }],
  }),
};

/** A store whose version the test moves, counting reads; and a signer counting signatures. */
function fixture(startMs: number) {
  const now = { ms: startMs };
  const state: PublishState = { version: 8, changedAt: new Date(Date.UTC(2026, 0, 1)) };
  const seen: number[] = [];
  const store: ManifestStore = {
    health: new StoreHealth(),
    publishState: async () => ({ ...state }),
    liveCampaigns: async () => ({ ...state, campaigns: [everywhere] }),
    noteVersionSeen: (version) => seen.push(version),
  };
  const real = createSigner({ ...generateSigningKey(), createdAt: new Date(0) });
  const signs = { count: 0 };
  const signer: Signer = {
    info: real.info,
    envelope(payload) {
      signs.count += 1;
      return real.envelope(payload);
    },
  };
  const logs: string[] = [];
  const service = new ManifestService({
    store,
    signer,
    clock: { now: () => now.ms },
    timing: DEFAULT_TIMING,
    versionRefreshMs: 2000,
    maxCachedSegments: DEFAULT_MAX_CACHED_SEGMENTS,
    log: (line) => logs.push(line),
  });
  return { now, state, service, signs, logs, seen };
}

const payloadOf = (body: Buffer) =>
  JSON.parse(SignedEnvelopeSchema.parse(JSON.parse(body.toString('utf8'))).payload) as {
    version: number;
    issuedAt: string;
    expiresAt: string;
  };

describe('manifest service at fleet scale', () => {
  it('signs each of 5,000 segments once, however many polls ask', async () => {
    const { service, signs, now } = fixture(Date.UTC(2026, 2, 10, 12));
    const segments: ManifestSegment[] = Array.from({ length: 5000 }, (_, index) => ({
      productLine: `line-${index % 1000}`,
      locale: ['en', 'de', 'fr', 'ja', 'pt-BR'][Math.floor(index / 1000)]!,
    }));
    for (let round = 0; round < 3; round += 1) {
      for (const segment of segments) await service.get(segment);
      now.ms += 500;
    }
    expect(signs.count).toBe(5000);
  });

  it('renews validity without changing the ETag, at a time of day that differs by segment', async () => {
    const { service, now } = fixture(Date.UTC(2026, 2, 10, 12));
    const first = await service.get({ productLine: 'line-a', locale: 'en' });
    const renewals = new Set<number>();
    for (let index = 0; index < 50; index += 1) renewals.add((await service.get({ productLine: `line-${index}`, locale: 'en' })).renewAtMs);
    expect(renewals.size).toBeGreaterThan(40);
    now.ms += 2 * DAY;
    const renewed = await service.get({ productLine: 'line-a', locale: 'en' });
    expect(Date.parse(payloadOf(renewed.body).issuedAt)).toBeGreaterThan(Date.parse(payloadOf(first.body).issuedAt));
    expect(Date.parse(payloadOf(renewed.body).expiresAt)).toBeGreaterThan(now.ms + 6 * DAY);
    expect(renewed.etag).toBe(first.etag);
  });

  it('notices a store version behind what it served, logs it once and keeps serving the newer manifest', async () => {
    const { service, state, now, logs, seen } = fixture(Date.UTC(2026, 2, 10, 12));
    const segment = { productLine: 'line-a', locale: 'en' };
    expect((await service.get(segment)).version).toBe(8);
    state.version = 5;
    for (let index = 0; index < 5; index += 1) {
      now.ms += 3000;
      expect((await service.get(segment)).version).toBe(8);
      expect((await service.get({ productLine: `fresh-${index}`, locale: 'en' })).version).toBe(8);
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/store says version 5, but this node has served version 8/);
    expect(Math.max(...seen)).toBe(8);
  });
});
