import {
  MANIFEST_FORMAT,
  type CampaignInput,
  type Holdout,
  type LocalizedContent,
  type Manifest,
  type ManifestGuide,
  type ManifestMessage,
  type ManifestSegment,
} from '../../common/messages/index.js';
import { localeCovers, productLineCovers } from '../../common/messages/segment-match.js';

/** How long manifests live and how often they are re-signed. */
export interface ManifestTiming {
  /** Suggested poll interval sent to devices. */
  pollIntervalSeconds: number;
  /** How long a signed manifest stays valid (the app works offline from it until then). */
  ttlSeconds: number;
  /**
   * Manifests of an unchanged version are re-signed once per period with a fresh expiry. Each
   * segment renews at its own time of the period (renewalOffsetMs), so renewals are spread over the
   * day instead of all at 00:00 UTC; renewal does not change the ETag (manifest/service.ts).
   */
  resignPeriodSeconds: number;
}

/** One hour polls, a week of validity, re-signed daily: a device that stays offline keeps working for 6–7 days. */
export const DEFAULT_TIMING: ManifestTiming = { pollIntervalSeconds: 3600, ttlSeconds: 7 * 86_400, resignPeriodSeconds: 86_400 };

/** 32-bit FNV-1a: a stable, cheap spread of segment keys (not a security boundary). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Where in each re-sign period a segment (`<productLine> <locale>`) renews: whole seconds, the same on every node. */
export function renewalOffsetMs(segmentKey: string, timing: ManifestTiming): number {
  return (fnv1a(segmentKey) % timing.resignPeriodSeconds) * 1000;
}

/**
 * issuedAt is a pure function of the publish time, the segment and the clock's period, never
 * "now": every node (and every restart) produces the same payload for the same version within a
 * period, so bodies match across a load balancer and a CDN. `renewAtMs` is when this segment is
 * next re-signed.
 */
export function issueTimes(
  nowMs: number,
  changedAtMs: number,
  timing: ManifestTiming,
  segmentKey: string,
): { issuedAtMs: number; expiresAtMs: number; renewAtMs: number } {
  const periodMs = timing.resignPeriodSeconds * 1000;
  const offsetMs = renewalOffsetMs(segmentKey, timing);
  const periodStart = Math.floor((nowMs - offsetMs) / periodMs) * periodMs + offsetMs;
  const issuedAtMs = Math.max(periodStart, Math.floor(changedAtMs / 1000) * 1000);
  return { issuedAtMs, expiresAtMs: issuedAtMs + timing.ttlSeconds * 1000, renewAtMs: periodStart + periodMs };
}

// In common/messages/segment-match.ts, so the campaign preview reads segments exactly as manifests are built.
export { localeCovers };

/** The content for a locale: exact tag, then shorter tags (`zh-Hant-TW` → `zh-Hant` → `zh`), then the campaign default. */
export function resolveContent<Content = LocalizedContent>(
  content: Record<string, Content>,
  locale: string,
  defaultLocale: string,
): { locale: string; content: Content } | undefined {
  const parts = locale.split('-');
  for (let length = parts.length; length >= 1; length -= 1) {
    const tag = parts.slice(0, length).join('-');
    const found = content[tag];
    if (found !== undefined) return { locale: tag, content: found };
  }
  const fallback = content[defaultLocale];
  return fallback === undefined ? undefined : { locale: defaultLocale, content: fallback };
}

/** Wall-clock times are in the schedule's zone (or the device's); no zone is more than 14 h behind UTC, so this bound is safe everywhere. */
const LATEST_ZONE_OFFSET_MS = 14 * 3600 * 1000;

/** True when the schedule has ended in every time zone by `atMs` (the app checks the exact zone). */
export function surelyEnded(end: string | undefined, atMs: number): boolean {
  if (end === undefined) return false;
  const asUtc = Date.parse(`${end.length === 16 ? `${end}:00` : end}Z`);
  return asUtc + LATEST_ZONE_OFFSET_MS < atMs;
}

/** A live campaign as the builder needs it. */
export interface BuildCampaign {
  id: string;
  revision: number;
  campaign: CampaignInput;
}

/** Builds the manifest of one segment. Pure: the same inputs give the same object, key order included. */
export function buildManifest(input: {
  segment: ManifestSegment;
  version: number;
  issuedAtMs: number;
  expiresAtMs: number;
  pollIntervalSeconds: number;
  campaigns: readonly BuildCampaign[];
  holdout?: Holdout | undefined;
}): Manifest {
  const { segment } = input;
  const messages: ManifestMessage[] = [];
  const guides: ManifestGuide[] = [];
  for (const { id, revision, campaign } of input.campaigns) {
    if (!productLineCovers(campaign.segment.productLines, segment.productLine)) continue;
    if (!campaign.segment.locales.some((entry) => localeCovers(entry, segment.locale))) continue;
    if (surelyEnded(campaign.schedule.end, input.issuedAtMs)) continue;
    if (campaign.guide !== undefined) {
      // A guide is help, never a message: it goes to `guides` only.
      const resolved = resolveContent(campaign.guide.content, segment.locale, campaign.defaultLocale);
      if (resolved !== undefined)
        guides.push({
          id: `${id}@${revision}`,
          guideId: id,
          revision,
          target: campaign.guide.target,
          locale: resolved.locale,
          content: resolved.content,
        });
      continue;
    }
    // A weight-0 variant can never be picked (common/messages/variant.ts), so it is left out.
    const variants = campaign.variants.flatMap((variant) => {
      if (variant.weight <= 0) return [];
      const resolved = resolveContent(variant.content, segment.locale, campaign.defaultLocale);
      return resolved === undefined ? [] : [{ id: variant.id, weight: variant.weight, locale: resolved.locale, content: resolved.content }];
    });
    if (variants.length === 0) continue;
    messages.push({
      id: `${id}@${revision}`,
      campaignId: id,
      revision,
      category: campaign.category,
      priority: campaign.priority,
      urgency: campaign.urgency,
      schedule: campaign.schedule,
      regions: campaign.segment.regions,
      rule: campaign.rule,
      triggers: campaign.triggers,
      caps: campaign.caps,
      variants,
      ...(campaign.controlShare !== undefined ? { controlShare: campaign.controlShare } : {}),
      ...(campaign.group !== undefined ? { group: campaign.group } : {}),
      ...(campaign.goal !== undefined ? { goal: campaign.goal } : {}),
    });
  }
  messages.sort((a, b) => b.priority - a.priority || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
  return {
    format: MANIFEST_FORMAT,
    segment: { productLine: segment.productLine, locale: segment.locale },
    version: input.version,
    issuedAt: new Date(input.issuedAtMs).toISOString(),
    expiresAt: new Date(input.expiresAtMs).toISOString(),
    pollIntervalSeconds: input.pollIntervalSeconds,
    // Left out without one, so a server without a holdout signs the payload it always did.
    ...(input.holdout !== undefined ? { holdout: input.holdout } : {}),
    messages,
    // Left out when empty, so a segment without guides signs exactly the payload it always did.
    ...(guides.length > 0 ? { guides: guides.sort((a, b) => (a.guideId < b.guideId ? -1 : a.guideId > b.guideId ? 1 : 0)) } : {}),
  };
}
