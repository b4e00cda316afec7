import { isAllowedHttpsUrl } from '../../common/branding.js';
import type { GuideStep, Manifest, ManifestGuide } from '../../common/messages/index.js';

/**
 * The manifest's guides as the panel may show them: a step's image by URL stays only when its host
 * is on the branding's image allow-list (an embedded image is already bounded and typed by the
 * manifest schema); a dropped image leaves its step. Pure; the panel matches them to devices.
 */
export function panelGuides(manifest: Manifest | undefined, allowedImageHosts: readonly string[]): ManifestGuide[] {
  return (manifest?.guides ?? []).map((guide) => ({
    ...guide,
    content: { ...guide.content, steps: guide.content.steps.map((step) => allowedStep(step, allowedImageHosts)) },
  }));
}

function allowedStep(step: GuideStep, hosts: readonly string[]): GuideStep {
  if (step.image?.url === undefined || isAllowedHttpsUrl(step.image.url, hosts)) return step;
  const { image: _dropped, ...text } = step;
  return text;
}
