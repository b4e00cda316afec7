import uPlot from 'uplot';
import type { BundleSupplyHistory } from '../../common/diagnostics/bundle.js';
import { h } from '../view-kit/dom.js';
import { utc } from './format.js';

const HEIGHT = 180;

/** Shades the repro window behind the line, so support sees whether the level moved while the owner reproduced the problem. */
function reproBand(repro: { start: number; end: number } | null): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (plot) => {
        if (repro === null) return;
        const left = plot.valToPos(repro.start / 1000, 'x', true);
        const right = plot.valToPos(repro.end / 1000, 'x', true);
        const { top, height } = plot.bbox;
        plot.ctx.save();
        plot.ctx.fillStyle = 'rgba(214, 140, 0, 0.18)';
        plot.ctx.fillRect(left, top, Math.max(2, right - left), height);
        plot.ctx.restore();
      },
    },
  };
}

/**
 * A supply's level over the captured history as a uPlot line chart, with a caption that says the
 * same in words (canvas has no text for screen readers or for a search).
 */
export function supplyChart(
  supply: BundleSupplyHistory,
  range: { from: number; to: number },
  repro: { start: number; end: number } | null,
): { element: HTMLElement; dispose(): void } {
  const last = supply.samples.at(-1);
  const now = supply.remaining ?? last?.[1];
  const summary = [
    now === undefined ? 'level unknown' : `${Math.round(now)} % at capture`,
    supply.daysLeft === undefined ? 'no run-out forecast' : `about ${Math.round(supply.daysLeft)} days left`,
    supply.samples.length === 0
      ? 'no history'
      : `${supply.samples.length} ${supply.samples.length === 1 ? 'sample' : 'samples'} from ${utc(supply.samples[0]![0])}`,
  ].join(' · ');
  const plotHost = h('div', { class: 'chart-canvas', attrs: { role: 'img', 'aria-label': `${supply.name}: ${summary}` } });
  const figure = h(
    'figure',
    { class: 'supply-chart', attrs: { 'data-supply': supply.supplyId } },
    h('figcaption', {}, h('strong', {}, supply.name), ` (${supply.kind}) — ${summary}`),
    plotHost,
  );
  if (supply.samples.length === 0) return { element: figure, dispose: () => {} };

  const data: uPlot.AlignedData = [supply.samples.map(([at]) => at / 1000), supply.samples.map(([, level]) => level)];
  const options: uPlot.Options = {
    width: 600,
    height: HEIGHT,
    scales: { x: { time: true, range: [range.from / 1000, range.to / 1000] }, y: { range: [0, 100] } },
    axes: [{}, { values: (_plot, ticks) => ticks.map((tick) => `${tick} %`), size: 56 }],
    series: [
      { label: 'time (UTC)', value: (_plot, value) => (value === null ? '—' : utc(value * 1000)) },
      {
        label: supply.name,
        stroke: '#1565c0',
        width: 2,
        fill: 'rgba(21, 101, 192, 0.08)',
        value: (_plot, value) => (value === null ? '—' : `${value} %`),
      },
    ],
    legend: { show: true },
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    plugins: [reproBand(repro)],
  };
  const plot = new uPlot(options, data, plotHost);
  // Follows the width of its column, so the chart fits a phone as well as a desk screen.
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(plotHost.clientWidth));
    if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height: HEIGHT });
  });
  resize.observe(plotHost);
  return {
    element: figure,
    dispose: () => {
      resize.disconnect();
      plot.destroy();
    },
  };
}
