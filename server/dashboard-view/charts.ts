import type { OutcomeRow } from '../../common/analytics.js';
import { h, svg } from '../view-kit/dom.js';
import { count, points, rowLabel, upliftCell } from './format.js';
import { barPercent, domainPercent, intervalDomain, niceMax } from './scale.js';

/** One figure of the outcome rows, charted per row. */
export interface Metric {
  key: 'exposures' | 'wouldHaveShown' | 'clicks' | 'reorders' | 'replacements' | 'feedback';
  title: string;
  /** What the figure counts, for the caption. */
  note: string;
}

/** The figures charted, in the order the table shows them. */
export const METRICS: readonly Metric[] = [
  { key: 'exposures', title: 'Exposures', note: 'times the message was shown' },
  { key: 'wouldHaveShown', title: 'Would have shown', note: 'times a holdout or control install matched and was kept from it' },
  { key: 'clicks', title: 'Clicks', note: 'clicks on any of the message’s actions' },
  { key: 'reorders', title: 'Reorders', note: 'orders started from the message' },
  { key: 'replacements', title: 'Replacements', note: 'supplies the devices measured replaced, within 30 days of an exposure' },
  { key: 'feedback', title: 'Feedback', note: 'ratings, thumbs, survey answers and comments' },
];

/**
 * A bar chart of one figure: a row per variant (and holdout, control), each a label, an SVG bar
 * and the number as text. The SVG draws only the bar, so text keeps its size at any width or zoom.
 */
export function barChart(metric: Metric, rows: readonly OutcomeRow[]): HTMLElement {
  const max = niceMax(Math.max(0, ...rows.map((row) => row[metric.key])));
  const titleId = `chart-${metric.key}`;
  return h(
    'figure',
    { class: 'chart', attrs: { 'data-metric': metric.key, 'aria-labelledby': titleId } },
    h('figcaption', {}, h('span', { id: titleId, class: 'chart-title' }, metric.title), h('span', { class: 'note' }, ` — ${metric.note}`)),
    h(
      'ul',
      { class: 'bars' },
      ...rows.map((row) => {
        const value = row[metric.key];
        return h(
          'li',
          { attrs: { 'data-row': row.variantId } },
          h('span', { class: 'bar-label' }, rowLabel(row)),
          barSvg(barPercent(value, max)),
          h('span', { class: 'bar-value', attrs: { 'data-value': String(value) } }, count(value)),
        );
      }),
    ),
    h('p', { class: 'axis note' }, `Scale 0 to ${count(max)}`),
  );
}

function barSvg(percent: number): SVGSVGElement {
  return svg(
    'svg',
    { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { class: 'track', x: 0, y: 0, width: 100, height: 10 }),
    svg('rect', { class: 'fill', x: 0, y: 0, width: percent.toFixed(2), height: 10 }),
  );
}

/**
 * The uplift of each variant (and all together) against the withheld installs: the 95 % interval as
 * a bar from low to high, the estimate as a mark on it, zero as a line, on one scale for all rows.
 */
export function upliftChart(rows: readonly OutcomeRow[]): HTMLElement {
  const withUplift = rows.filter((row) => row.uplift !== null);
  const domain = intervalDomain(withUplift.map((row) => row.uplift!));
  const zero = domainPercent(0, domain);
  return h(
    'figure',
    { class: 'chart uplift-chart', attrs: { 'aria-labelledby': 'chart-uplift' } },
    h(
      'figcaption',
      {},
      h('span', { id: 'chart-uplift', class: 'chart-title' }, 'Uplift against the holdout'),
      h('span', { class: 'note' }, ' — replacement rate minus that of the withheld installs, percentage points, 95 % interval'),
    ),
    h(
      'ul',
      { class: 'bars' },
      ...rows.map((row) => {
        const uplift = row.uplift;
        const drawing = svg(
          'svg',
          { class: 'bar interval', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
          svg('rect', { class: 'track', x: 0, y: 0, width: 100, height: 10 }),
          svg('line', { class: 'zero', x1: zero, x2: zero, y1: 0, y2: 10 }),
        );
        if (uplift !== null) {
          const low = domainPercent(uplift.low, domain);
          const high = domainPercent(uplift.high, domain);
          const point = domainPercent(uplift.difference, domain);
          drawing.append(
            svg('rect', { class: 'ci', x: low.toFixed(2), y: 3, width: Math.max(0.5, high - low).toFixed(2), height: 4 }),
            svg('rect', { class: 'point', x: (point - 0.6).toFixed(2), y: 0, width: 1.2, height: 10 }),
          );
        }
        return h(
          'li',
          { attrs: { 'data-row': row.variantId } },
          h('span', { class: 'bar-label' }, rowLabel(row)),
          drawing,
          h('span', { class: 'bar-value' }, upliftCell(uplift)),
        );
      }),
    ),
    h('p', { class: 'axis note' }, `Scale ${points(domain.min)} to ${points(domain.max)} points; the line is zero (no effect)`),
  );
}
