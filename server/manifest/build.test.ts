import { describe, expect, it } from 'vitest';
import { CampaignInputSchema } from '../../common/messages/index.js';
import { buildManifest, issueTimes, localeCovers, renewalOffsetMs, resolveContent, surelyEnded, DEFAULT_TIMING } from './build.js';

const HOUR = 3_600_000;

describe('manifest building', () => {
  it('dates issuance on per-segment period boundaries so every node signs the same bytes and segments renew at different times', () => {
    const key = 'line-a en';
    const offset = renewalOffsetMs(key, DEFAULT_TIMING);
    const dayStart = Date.UTC(2026, 0, 1) + offset;
    const changedAt = dayStart + 2 * HOUR;
    const sameDay = issueTimes(dayStart + 8 * HOUR, changedAt, DEFAULT_TIMING, key);
    expect(sameDay.issuedAtMs).toBe(changedAt);
    expect(sameDay.renewAtMs).toBe(dayStart + 24 * HOUR);
    expect(issueTimes(dayStart + 23 * HOUR, changedAt, DEFAULT_TIMING, key)).toEqual(sameDay);
    const nextDay = issueTimes(dayStart + 25 * HOUR, changedAt, DEFAULT_TIMING, key);
    expect(nextDay.issuedAtMs).toBe(dayStart + 24 * HOUR);
    expect(nextDay.expiresAtMs - nextDay.issuedAtMs).toBe(7 * 24 * HOUR);
    // 5,000 segments renew spread over the day, not all at 00:00 UTC.
    const hours = new Set(
      Array.from({ length: 5000 }, (_, index) => Math.floor(renewalOffsetMs(`line-${index} en`, DEFAULT_TIMING) / HOUR)),
    );
    expect(hours.size).toBe(24);
  });

  it('matches locales by language and falls back to the default content', () => {
    expect(localeCovers('de', 'de-AT')).toBe(true);
    expect(localeCovers('de-DE', 'de-AT')).toBe(false);
    expect(localeCovers('*', 'ja')).toBe(true);
    expect(localeCovers('zh', 'zh-Hant-TW')).toBe(true);
    const content = { en: { title: 'Hi', body: '', actions: [] }, 'zh-Hant': { title: '你好', body: '', actions: [] } };
    expect(resolveContent(content, 'zh-Hant-TW', 'en')?.locale).toBe('zh-Hant');
    expect(resolveContent(content, 'fr-FR', 'en')?.locale).toBe('en');
  });

  it('drops campaigns only once they have ended in every time zone', () => {
    const end = '2026-01-01T00:00';
    expect(surelyEnded(end, Date.UTC(2026, 0, 1, 13))).toBe(false);
    expect(surelyEnded(end, Date.UTC(2026, 0, 1, 15))).toBe(true);
    expect(surelyEnded(undefined, Date.UTC(2099, 0, 1))).toBe(false);
  });

  it('orders messages by priority then id and carries no HTML interpretation', () => {
    const make = (id: string, priority: number) =>
      CampaignInputSchema.parse({
        id,
        name: id,
        category: 'tips',
        priority,
        schedule: { start: '2026-01-01T00:00', timeZone: 'UTC' },
        segment: { productLines: ['*'], locales: ['en'] },
        rule: true,
        triggers: [{ type: 'app-start' }],
        defaultLocale: 'en',
        variants: [{ id: 'a', weight: 1, content: { en: { title: '<b>not bold</b>', body: '<script>alert(1)</script>' } } }],
      });
    const manifest = buildManifest({
      segment: { productLine: 'any-line', locale: 'en-GB' },
      version: 7,
      issuedAtMs: Date.UTC(2026, 1, 1),
      expiresAtMs: Date.UTC(2026, 1, 8),
      pollIntervalSeconds: 3600,
      campaigns: [
        { id: 'b', revision: 1, campaign: make('b', 5) },
        { id: 'a', revision: 2, campaign: make('a', 5) },
        { id: 'c', revision: 1, campaign: make('c', 9) },
      ],
    });
    expect(manifest.messages.map((message) => message.id)).toEqual(['c@1', 'a@2', 'b@1']);
    expect(manifest.messages[0]!.variants[0]!.content.body).toBe('<script>alert(1)</script>');
  });
});
