// A guide as the app receives it in a manifest and matches it to the device, apart from the guide
// an OEM writes (guide.ts, which builds on the campaign schemas): the panel needs only this half.
import { z } from 'zod';
import type { DeviceCondition } from '../device.js';
import type { Supply } from '../supply.js';
import { LocaleTagSchema } from './content.js';
import { GuideContentSchema, GuideTargetSchema, type GuideContent, type GuideTarget } from './guide-content.js';
import { SlugSchema } from './vocabulary.js';

/** A guide in a manifest, its content resolved for the manifest's locale. */
export const ManifestGuideSchema = z.object({
  /** `<guideId>@<revision>`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}@[1-9][0-9]*$/),
  guideId: SlugSchema,
  revision: z.number().int().min(1),
  target: GuideTargetSchema,
  /** The locale the content is written in: the manifest's, its language, or the guide's default. */
  locale: LocaleTagSchema,
  content: GuideContentSchema,
});
export type ManifestGuide = z.infer<typeof ManifestGuideSchema>;

/** Most guides a manifest carries. */
export const MAX_MANIFEST_GUIDES = 500;

/** A guide the app skipped because it did not parse. */
export interface SkippedGuide {
  index: number;
  problem: string;
}

/** Parses a manifest's `guides` leniently: absent means none; each guide on its own, so one bad guide does not hide the others. */
export function parseGuides(raw: unknown): { guides: ManifestGuide[]; skipped: SkippedGuide[] } {
  if (raw === undefined) return { guides: [], skipped: [] };
  if (!Array.isArray(raw)) return { guides: [], skipped: [{ index: -1, problem: '"guides" is not an array.' }] };
  const guides: ManifestGuide[] = [];
  const skipped: SkippedGuide[] = [];
  raw.slice(0, MAX_MANIFEST_GUIDES).forEach((entry, index) => {
    const result = ManifestGuideSchema.safeParse(entry);
    if (result.success) guides.push(result.data);
    else skipped.push({ index, problem: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
  });
  return { guides, skipped };
}

/** What a guide is offered beside: one device condition, or one supply that needs replacing. */
export type GuideAnchor = { kind: 'error'; code: string } | { kind: 'supply'; supplyId: string };

/** A guide that fits the device now, and where it belongs. */
export interface MatchedGuide {
  id: string;
  anchor: GuideAnchor;
  locale: string;
  content: GuideContent;
}

/** The device as guide targeting sees it. */
export interface GuideDeviceState {
  model: string;
  conditions: readonly Pick<DeviceCondition, 'code'>[];
  supplies: readonly Pick<Supply, 'id' | 'kind' | 'color' | 'low' | 'empty'>[];
}

const fold = (text: string): string => text.trim().toLowerCase();

/** True when the guide is for this model: `*`, or the same name ignoring case and surrounding spaces. */
export function guideFitsModel(target: GuideTarget, model: string): boolean {
  return target.models.some((entry) => entry === '*' || fold(entry) === fold(model));
}

/**
 * The guides that fit the device's current state, each with its anchor: every condition a guide
 * names, and every low or empty supply whose kind and colour a guide names. Manifest order is kept
 * (a guide listed for two anchors appears once per anchor).
 */
export function matchGuides(guides: readonly ManifestGuide[], device: GuideDeviceState): MatchedGuide[] {
  const matched: MatchedGuide[] = [];
  for (const guide of guides) {
    if (!guideFitsModel(guide.target, device.model)) continue;
    for (const condition of device.conditions) {
      if (guide.target.errors.some((code) => fold(code) === fold(condition.code))) {
        matched.push({ id: guide.id, anchor: { kind: 'error', code: condition.code }, locale: guide.locale, content: guide.content });
      }
    }
    for (const supply of device.supplies) {
      if (!supply.low && !supply.empty) continue;
      const fits = guide.target.supplies.some(
        (wanted) =>
          (wanted.kind === undefined || fold(wanted.kind) === supply.kind) &&
          (wanted.color === undefined || (supply.color !== undefined && fold(wanted.color) === fold(supply.color.name))),
      );
      if (fits)
        matched.push({ id: guide.id, anchor: { kind: 'supply', supplyId: supply.id }, locale: guide.locale, content: guide.content });
    }
  }
  return matched;
}
