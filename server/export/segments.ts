import type { CampaignInput, ManifestSegment } from '../../common/messages/index.js';

/** A locale tag in the canonical spelling the manifest route answers under (`de-de` → `de-DE`); undefined when it is not one. */
function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * The segments a static export holds: every product line the live campaigns name (plus
 * `extraProductLines`, for campaigns aimed at `*`) × every locale they name, target or carry
 * content in. A device whose own locale is not among them asks the next in its chain (`de-AT` →
 * `de` → the branding default); a static host answers 404 for the missing file, which is what
 * makes it move on, so the content locales and defaults are always exported.
 */
export function exportSegments(campaigns: readonly CampaignInput[], extraProductLines: readonly string[] = []): ManifestSegment[] {
  const lines = new Set(extraProductLines);
  const locales = new Set<string>();
  const addLocale = (tag: string): void => {
    if (tag === '*') return;
    const canonical = canonicalLocale(tag);
    if (canonical !== undefined) locales.add(canonical);
  };
  for (const campaign of campaigns) {
    for (const line of campaign.segment.productLines) if (line !== '*') lines.add(line);
    campaign.segment.locales.forEach(addLocale);
    addLocale(campaign.defaultLocale);
    for (const variant of campaign.variants) Object.keys(variant.content).forEach(addLocale);
  }
  const segments: ManifestSegment[] = [];
  for (const productLine of [...lines].sort()) for (const locale of [...locales].sort()) segments.push({ productLine, locale });
  return segments;
}

/** Where a segment's manifest lives in an export: the API's own path, so the CDN's base URL is the app's backendUrl. */
export function manifestExportPath(segment: ManifestSegment): string {
  return `v1/manifests/${segment.productLine}/${segment.locale}`;
}

/** Where the public key lives in an export (what GET /v1/signing-key answers). */
export const SIGNING_KEY_EXPORT_PATH = 'v1/signing-key';
