/** Picks A/B variants the same way on every device and in every report. */

/** 32-bit FNV-1a over UTF-16 code units: tiny, fast and identical in every JS runtime (no crypto needed, nothing secret). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The variant an install sees for a campaign: stable for that install and campaign (the same
 * answer after restarts and republishes), spread by weight across installs. Returns undefined when
 * every weight is 0.
 */
export function pickVariant<V extends { id: string; weight: number }>(
  installId: string,
  campaignId: string,
  variants: readonly V[],
): V | undefined {
  const total = variants.reduce((sum, variant) => sum + Math.max(0, variant.weight), 0);
  if (total <= 0) return undefined;
  let bucket = fnv1a32(`${installId}:${campaignId}`) % total;
  for (const variant of variants) {
    const weight = Math.max(0, variant.weight);
    if (bucket < weight) return variant;
    bucket -= weight;
  }
  return undefined;
}
