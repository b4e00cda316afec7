import { NO_SHARING_NOTE, type CampaignStats, type OutcomeRow, type OutcomeStats, type VariantStats } from '../../common/analytics.js';
import { percent, upliftCell } from '../../common/analytics-format.js';
import { terminalSafe } from '../../common/terminal-safe.js';

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
}

/** How many installs the figures can count: with usage sharing off an install uploads nothing. */
function sharingLine(stats: CampaignStats): string {
  if (stats.sharing.installs === 0) return stats.sharing.note ?? NO_SHARING_NOTE;
  const since = stats.sharing.since === null ? '' : ` since ${stats.sharing.since.slice(0, 10)} (when the campaign was created)`;
  const installs = stats.sharing.installs === 1 ? '1 install' : `${stats.sharing.installs} installs`;
  return `${installs} shared usage data${since}; the figures count only installs whose owners allow usage sharing.`;
}

/** `npm run admin -- stats <campaign>`: one row per variant and a total, then ratings and survey answers. */
export function formatStatsTable(stats: CampaignStats): string {
  const header = [
    'variant',
    'weight',
    'impr.',
    'reach',
    'opens',
    'clicks',
    'CTR',
    'dismiss',
    'snooze',
    'reorders',
    'items',
    'conv.',
    '👍',
    '👎',
    'ratings',
    'avg',
  ];
  const cells = (variant: VariantStats): string[] => [
    variant.variantId,
    percent(variant.weightShare),
    String(variant.impressions),
    String(variant.reach),
    String(variant.uniqueOpens),
    String(variant.clicks),
    percent(variant.clickThroughRate),
    String(variant.dismissals),
    String(variant.snoozes),
    String(variant.reorders),
    String(variant.reorderedItems),
    String(variant.conversions),
    String(variant.thumbs.up),
    String(variant.thumbs.down),
    String(variant.ratings.count),
    variant.ratings.average === null ? '–' : variant.ratings.average.toFixed(2),
  ];
  const rows = [...stats.variants.map(cells), cells(stats.total)];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((cellsOfRow) => cellsOfRow[index]!.length)));
  const lines = [
    `Campaign ${stats.campaignId} — ${stats.generatedAt}`,
    sharingLine(stats),
    '',
    row(header, widths),
    row(
      widths.map((width) => '-'.repeat(width)),
      widths,
    ),
  ];
  for (const cellsOfRow of rows.slice(0, -1)) lines.push(row(cellsOfRow, widths));
  lines.push(row(rows.at(-1)!, widths));
  if (stats.total.ratings.count > 0) lines.push('', `Ratings 1–5: ${stats.total.ratings.distribution.join(' / ')}`);
  for (const question of stats.total.questions) {
    lines.push(
      '',
      `Q ${question.questionId}: ${terminalSafe(question.text ?? '(question not in the live campaign)')} — ${question.answers} answers`,
    );
    for (const choice of question.choices) lines.push(`  ${String(choice.count).padStart(6)}  ${terminalSafe(choice.choice)}`);
    for (const text of question.latestText.slice(0, 5)) lines.push(`  “${terminalSafe(text)}”`);
  }
  if (stats.total.latestComments.length > 0) {
    lines.push('', 'Latest comments:');
    for (const comment of stats.total.latestComments.slice(0, 5)) lines.push(`  “${terminalSafe(comment)}”`);
  }
  if (stats.outcomes !== undefined) lines.push('', ...formatOutcomes(stats.outcomes));
  return lines.join('\n');
}

/** The device-measured outcomes: a row per variant, the total, the withheld groups, and the uplift with its interval. */
export function formatOutcomes(outcomes: OutcomeStats): string[] {
  if (outcomes.total.replacements + outcomes.withheld.replacements + outcomes.withheld.wouldHaveShown === 0) {
    return ['No device-measured outcomes yet: no replacement has been read from a device and no holdout or control install has matched.'];
  }
  const header = [
    'outcomes',
    'exposures',
    'would-have',
    'installs',
    'clicks',
    'reorders',
    'feedback',
    'replaced',
    'genuine',
    'repl. inst.',
    'rate',
    'uplift (95 % CI)',
  ];
  const cells = (entry: OutcomeRow): string[] => [
    entry.variantId,
    String(entry.exposures),
    String(entry.wouldHaveShown),
    String(entry.exposedInstalls),
    String(entry.clicks),
    String(entry.reorders),
    String(entry.feedback),
    String(entry.replacements),
    String(entry.genuineReplacements),
    String(entry.replacedInstalls),
    percent(entry.replacementRate),
    upliftCell(entry.uplift),
  ];
  const rows = [...outcomes.variants, outcomes.total, outcomes.holdout, outcomes.control, outcomes.withheld].map(cells);
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((cellsOfRow) => cellsOfRow[index]!.length)));
  return [
    row(header, widths),
    row(
      widths.map((width) => '-'.repeat(width)),
      widths,
    ),
    ...rows.map((cellsOfRow) => row(cellsOfRow, widths)),
    "Replacements are read from the devices' own levels and attributed to the last exposure within 30 days, clicks or not; uplift is the",
    "replacement rate minus that of the withheld installs (holdout and control), 95 % interval by Newcombe's hybrid score method.",
    '"genuine" counts the replacements whose device reported the new supply genuine; devices that do not say are not counted there.',
  ];
}
