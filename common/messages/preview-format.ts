// In common/ so the admin CLI (`npm run admin -- preview`) and the Node host's panel preview
// (`npm run preview`) print one explanation, not two that drift.
import { terminalSafe } from '../terminal-safe.js';
import type { CampaignPreview } from './explain-targeting.js';

const mark = (matched: boolean): string => (matched ? '✓' : '✗');

/**
 * `npm run admin -- preview` and `npm run preview`: the verdict, one line per condition (with its
 * clauses or triggers), then each variant's words per locale. `stored` says where the draft went.
 */
export function formatPreview(preview: CampaignPreview, device: { locale: string }, stored = 'nothing was stored or published'): string {
  const lines = [
    `Campaign ${terminalSafe(preview.campaignId)}: ${preview.matched ? 'MATCHES' : 'does NOT match'} this device state (${stored}).`,
    '',
  ];
  for (const check of preview.checks) {
    lines.push(`${mark(check.matched)} ${check.kind.padEnd(12)} ${terminalSafe(check.reason)}`);
    for (const detail of check.details ?? []) lines.push(`    ${mark(detail.matched)} ${terminalSafe(detail.reason)}`);
  }
  lines.push('', 'Caps, snoozes, quiet hours and the holdout depend on each owner and are not part of the preview.');
  for (const variant of preview.variants) {
    const shown = variant.shownLocale === null ? 'no content for it' : `shows ${variant.shownLocale}`;
    lines.push('', `Variant ${terminalSafe(variant.id)} (weight ${variant.weight}; for ${terminalSafe(device.locale)} it ${shown}):`);
    for (const content of variant.content) {
      lines.push(`  [${terminalSafe(content.locale)}] ${terminalSafe(content.title)}`);
      for (const line of content.body.split('\n')) lines.push(`      ${terminalSafe(line)}`);
    }
  }
  return lines.join('\n');
}
