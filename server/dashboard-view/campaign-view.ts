import { NO_SHARING_NOTE, type CampaignStats, type OutcomeRow } from '../../common/analytics.js';
import type { DashboardCampaign } from '../../common/dashboard.js';
import { barChart, METRICS, upliftChart } from './charts.js';
import { h } from '../view-kit/dom.js';
import { count, NO_OUTCOMES, outcomesEmpty, percent, rowLabel, upliftCell, upliftSentence } from './format.js';

const STATUS_WORDS: Record<DashboardCampaign['status'], string> = { live: 'Live', draft: 'Draft', archived: 'Archived' };

/** The status as a word (never colour alone). */
export function statusBadge(status: DashboardCampaign['status']): HTMLElement {
  return h('span', { class: `status status-${status}` }, STATUS_WORDS[status]);
}

/** How many installs the figures can count (the CLI's sentence). */
function sharingLine(stats: CampaignStats): string {
  if (stats.sharing.installs === 0) return stats.sharing.note ?? NO_SHARING_NOTE;
  const since = stats.sharing.since === null ? '' : ` since ${stats.sharing.since.slice(0, 10)} (when the campaign was created)`;
  const installs = stats.sharing.installs === 1 ? '1 install' : `${count(stats.sharing.installs)} installs`;
  return `${installs} shared usage data${since}; the figures count only installs whose owners allow usage sharing.`;
}

const COLUMNS: readonly { title: string; cell: (row: OutcomeRow) => string; key?: string }[] = [
  { title: 'Exposures', cell: (row) => count(row.exposures), key: 'exposures' },
  { title: 'Would have shown', cell: (row) => count(row.wouldHaveShown), key: 'wouldHaveShown' },
  { title: 'Installs', cell: (row) => count(row.exposedInstalls), key: 'exposedInstalls' },
  { title: 'Clicks', cell: (row) => count(row.clicks), key: 'clicks' },
  { title: 'Reorders', cell: (row) => count(row.reorders), key: 'reorders' },
  { title: 'Replacements', cell: (row) => count(row.replacements), key: 'replacements' },
  { title: 'Feedback', cell: (row) => count(row.feedback), key: 'feedback' },
  { title: 'Replacement rate', cell: (row) => percent(row.replacementRate), key: 'replacementRate' },
  { title: 'Uplift (95 % CI)', cell: (row) => upliftCell(row.uplift), key: 'uplift' },
];

function outcomesTable(rows: readonly OutcomeRow[]): HTMLElement[] {
  return [
    h('h3', { id: 'outcomes-title' }, 'Per variant and against the holdout'),
    // The table may be wider than a phone: it scrolls in its own box (keyboard too), never the page.
    h(
      'div',
      { class: 'table-scroll', attrs: { tabindex: '0', role: 'region', 'aria-labelledby': 'outcomes-title' } },
      h(
        'table',
        { class: 'outcomes', attrs: { 'aria-labelledby': 'outcomes-title' } },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { attrs: { scope: 'col' } }, 'Group'),
            ...COLUMNS.map((column) => h('th', { attrs: { scope: 'col' } }, column.title)),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((row) =>
            h(
              'tr',
              { attrs: { 'data-row': row.variantId } },
              h('th', { attrs: { scope: 'row' } }, rowLabel(row)),
              ...COLUMNS.map((column) => h('td', { attrs: { 'data-column': column.key ?? '' } }, column.cell(row))),
            ),
          ),
        ),
      ),
    ),
  ];
}

/** One campaign's report: who is counted, the table, a bar chart per figure, and the uplift with its interval. */
export function campaignView(campaign: DashboardCampaign, stats: CampaignStats): HTMLElement {
  const heading = h('h2', { id: 'campaign-title', attrs: { tabindex: '-1' } }, campaign.name);
  const parts: HTMLElement[] = [
    h(
      'p',
      { class: 'meta' },
      statusBadge(campaign.status),
      ` ${campaign.id} · report of ${stats.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    ),
    h('p', { class: 'sharing' }, sharingLine(stats)),
  ];
  const outcomes = stats.outcomes;
  if (outcomes === undefined) {
    parts.push(h('p', { class: 'empty' }, 'This server does not report device-measured outcomes yet; update it to see them.'));
  } else if (outcomesEmpty(outcomes)) {
    parts.push(
      h(
        'p',
        { class: 'empty', attrs: { 'data-empty': 'outcomes' } },
        NO_OUTCOMES,
        ' Outcomes arrive once installs that share usage data have been shown the message (or kept from it) and their devices report a new supply.',
      ),
    );
    parts.push(
      h(
        'p',
        { class: 'note' },
        `Shown so far: ${count(stats.total.impressions)} times, ${count(stats.total.clicks)} clicks, ${count(stats.total.reorders)} reorders.`,
      ),
    );
  } else {
    const tableRows = [...outcomes.variants, outcomes.total, outcomes.holdout, outcomes.control, outcomes.withheld];
    const chartRows = [...outcomes.variants, outcomes.holdout, outcomes.control];
    const upliftRows = [...outcomes.variants, outcomes.total];
    parts.push(
      h(
        'section',
        { class: 'panel', attrs: { 'aria-labelledby': 'uplift-title' } },
        h('h3', { id: 'uplift-title' }, 'Uplift'),
        upliftChart(upliftRows),
        h(
          'ul',
          { class: 'uplift-words' },
          ...upliftRows.map((row) => h('li', { attrs: { 'data-row': row.variantId } }, upliftSentence(row, outcomes.withheld))),
        ),
      ),
      h('div', { class: 'panel' }, ...outcomesTable(tableRows)),
      h(
        'section',
        { class: 'panel charts', attrs: { 'aria-labelledby': 'charts-title' } },
        h('h3', { id: 'charts-title' }, 'Per variant'),
        ...METRICS.map((metric) => barChart(metric, chartRows)),
      ),
      h(
        'p',
        { class: 'note' },
        "Replacements are read from the devices' own levels and attributed to the last exposure within 30 days, clicks or not; uplift is the replacement rate minus that of the withheld installs (holdout and control), 95 % interval by Newcombe's hybrid score method.",
      ),
    );
  }
  return h('article', { class: 'campaign', attrs: { 'aria-labelledby': 'campaign-title' } }, heading, ...parts);
}
