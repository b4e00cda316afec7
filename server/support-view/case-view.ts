import type { BundleDevice, LogLevel } from '../../common/diagnostics/bundle.js';
import { api, type CaseAnswer } from './api.js';
import { h, replace, type Child } from '../view-kit/dom.js';
import { beforeCapture, byteSize, hex4, utc } from './format.js';
import { filterLogs, LOG_LEVELS } from './log-filter.js';
import { supplyChart } from './supply-chart.js';
import { buildTimeline, type TimelineKind } from './timeline.js';

/** Most log rows drawn at once; a narrower search shows the rest. */
const MAX_LOG_ROWS = 1000;

const KIND_LABEL: Record<TimelineKind, string> = {
  status: 'Status',
  error: 'Device error',
  cleared: 'Cleared',
  message: 'Message shown',
  'owner-action': 'Owner action',
  event: 'App event',
  'repro-start': 'Repro start',
  'repro-end': 'Repro end',
};

function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { class: 'panel', id, attrs: { 'aria-labelledby': `${id}-title` } },
    h('h2', { id: `${id}-title` }, title),
    ...children,
  );
}

/** A definition list of label → value rows; rows with no value are left out. */
function facts(rows: [string, string | undefined][]): HTMLElement {
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of rows) {
    if (value === undefined || value === '') continue;
    list.append(h('dt', {}, label), h('dd', {}, value));
  }
  return list;
}

function deviceCard(device: BundleDevice): HTMLElement {
  const rows: [string, string | undefined][] = [
    ['Manufacturer', device.manufacturer],
    ['Model', device.model],
    ['Serial', device.serial],
    ['Firmware', device.firmware],
    ['Connection', device.transport],
    [
      'USB ids',
      device.vendorId === undefined
        ? undefined
        : `${hex4(device.vendorId)}:${device.productId === undefined ? '?' : hex4(device.productId)}`,
    ],
    [
      'State',
      `${device.state} — ${device.statusLine}${device.stale ? ' (stale: last read ' + (device.updatedAt === null ? 'never' : utc(device.updatedAt)) + ')' : ''}`,
    ],
    ...Object.entries(device.facts).map(([key, value]): [string, string] => [key, value]),
  ];
  const raw: Child[] = [];
  if (device.ieee1284 !== undefined) {
    raw.push(h('h4', {}, 'IEEE 1284 device ID'), facts(Object.entries(device.ieee1284)));
  }
  if (device.hid !== undefined) {
    raw.push(
      h('h4', {}, 'HID descriptor'),
      facts([
        ['Usage page', device.hid.usagePage === undefined ? undefined : hex4(device.hid.usagePage)],
        ['Usage', device.hid.usage === undefined ? undefined : hex4(device.hid.usage)],
        [
          'Reports',
          device.hid.reports === undefined
            ? undefined
            : `${device.hid.reports.input} input, ${device.hid.reports.output} output, ${device.hid.reports.feature} feature`,
        ],
        ['Usages', device.hid.usages.join(', ')],
      ]),
    );
  }
  if (device.ipp !== undefined) {
    raw.push(
      h('h4', {}, 'IPP attributes'),
      facts(Object.entries(device.ipp).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : value])),
    );
  }
  return h(
    'article',
    { class: `device state-${device.state}`, attrs: { 'data-device': device.id } },
    h('h3', {}, `${device.manufacturer} ${device.model}`),
    facts(rows),
    ...raw,
  );
}

function timelineSection(answer: CaseAnswer): HTMLElement {
  const { bundle } = answer;
  const entries = buildTimeline(bundle);
  const list = h('ol', { class: 'timeline' });
  for (const entry of entries) {
    list.append(
      h(
        'li',
        {
          class: `tl tl-${entry.kind}${entry.severity ? ` sev-${entry.severity}` : ''}${entry.inRepro ? ' in-repro' : ''}`,
          attrs: { 'data-kind': entry.kind },
        },
        h(
          'time',
          { attrs: { datetime: new Date(entry.at).toISOString() } },
          utc(entry.at),
          h('span', { class: 'ago' }, ` · ${beforeCapture(entry.at, bundle.capturedAt)}`),
        ),
        h('span', { class: 'tl-kind' }, KIND_LABEL[entry.kind]),
        h('span', { class: 'tl-title' }, entry.title),
        entry.detail === undefined ? null : h('span', { class: 'tl-detail' }, entry.detail),
        entry.device === undefined ? null : h('span', { class: 'tl-device' }, entry.device),
        entry.inRepro ? h('span', { class: 'repro-tag' }, 'during repro') : null,
      ),
    );
  }
  const repro =
    bundle.repro === null
      ? 'The owner did not record a repro window.'
      : `Repro window: ${utc(bundle.repro.start)} to ${utc(bundle.repro.end)} (marked).`;
  return section(
    'Timeline',
    'timeline',
    h('p', { class: 'note' }, repro),
    entries.length === 0 ? h('p', {}, 'Nothing happened in the captured window.') : list,
  );
}

function logsSection(answer: CaseAnswer): HTMLElement {
  const { logs } = answer.bundle;
  const repro = answer.bundle.repro;
  const search = h('input', {
    id: 'log-search',
    attrs: { type: 'search', placeholder: 'Search messages and sources', autocomplete: 'off' },
  });
  const level = h(
    'select',
    { id: 'log-level' },
    ...LOG_LEVELS.map((name) => h('option', { attrs: { value: name } }, name === 'trace' ? 'all levels' : `${name} and above`)),
  );
  const count = h('p', { class: 'note', attrs: { 'aria-live': 'polite' } });
  const body = h('tbody');
  const render = (): void => {
    const shown = filterLogs(logs, search.value, level.value as LogLevel);
    replace(
      body,
      ...shown
        .slice(0, MAX_LOG_ROWS)
        .map((line) =>
          h(
            'tr',
            { class: `log-${line.level}${repro !== null && line.time >= repro.start && line.time <= repro.end ? ' in-repro' : ''}` },
            h('td', { class: 'log-time' }, utc(line.time)),
            h('td', { class: 'log-level' }, line.level),
            h('td', { class: 'log-source' }, line.source),
            h('td', { class: 'log-message' }, line.message),
          ),
        ),
    );
    count.textContent =
      shown.length > MAX_LOG_ROWS
        ? `Showing the first ${MAX_LOG_ROWS} of ${shown.length} matching lines (${logs.length} in all); narrow the search to see the rest.`
        : `Showing ${shown.length} of ${logs.length} lines.`;
  };
  search.addEventListener('input', render);
  level.addEventListener('change', render);
  render();
  return section(
    'Logs',
    'logs',
    h(
      'div',
      { class: 'log-controls' },
      h('label', { attrs: { for: 'log-search' } }, 'Search'),
      search,
      h('label', { attrs: { for: 'log-level' } }, 'Level'),
      level,
    ),
    count,
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'logs' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Time (UTC)'), h('th', {}, 'Level'), h('th', {}, 'Source'), h('th', {}, 'Message'))),
        body,
      ),
    ),
  );
}

/** Renders an opened case; `dispose` lets go of the charts' observers. */
export function caseView(answer: CaseAnswer): { element: HTMLElement; dispose(): void } {
  const { bundle, case: meta } = answer;
  const charts = bundle.history.supplies.map((supply) => supplyChart(supply, bundle.history, bundle.repro));
  const errorsNow = bundle.errors.filter((error) => error.until === undefined);
  const element = h(
    'div',
    { class: 'case', attrs: { 'data-case': meta.code } },
    h(
      'header',
      { class: 'case-head' },
      h('h1', {}, `Case ${meta.code}`),
      h(
        'p',
        {},
        `Captured ${utc(bundle.capturedAt)} · uploaded ${utc(meta.uploadedAt)} · kept until ${utc(meta.expiresAt)} · ${byteSize(meta.bytes)}`,
      ),
      meta.canDownload
        ? h(
            'a',
            { class: 'button', id: 'download', attrs: { href: api.downloadPath(meta.code), download: `trayside-case-${meta.code}.json` } },
            'Download raw bundle',
          )
        : h('p', { class: 'note' }, 'Your support token may open cases but not download raw bundles.'),
    ),
    errorsNow.length === 0
      ? null
      : h(
          'div',
          { class: 'alert', attrs: { role: 'status' } },
          h('strong', {}, 'Active device errors: '),
          errorsNow.map((error) => `${error.message} (${error.code}, since ${utc(error.since)})`).join('; '),
        ),
    section(
      'Devices',
      'devices',
      ...(bundle.devices.length === 0 ? [h('p', {}, 'No device was attached at capture.')] : bundle.devices.map(deviceCard)),
    ),
    section(
      'Environment',
      'environment',
      facts([
        ['App', `${bundle.app.name} ${bundle.app.version} (${bundle.app.host} host)`],
        ['Branding', bundle.app.branding],
        ['OS', `${bundle.os.platform} ${bundle.os.release} ${bundle.os.arch}`],
        ['Node', bundle.os.node],
        ['Electron', bundle.os.electron],
        ['Locale', bundle.os.locale],
        ['History', `${utc(bundle.history.from)} to ${utc(bundle.history.to)}`],
      ]),
      h('h3', {}, 'Personal data'),
      h(
        'ul',
        { class: 'plain' },
        ...bundle.redaction.map((entry) =>
          h(
            'li',
            {},
            entry.count === 0
              ? `${entry.kind}: none found`
              : `${entry.kind}: ${entry.count} found, ${entry.action === 'removed' ? 'replaced by placeholders' : 'kept by the owner'}`,
          ),
        ),
      ),
      bundle.leftOut.length === 0 ? null : h('h3', {}, 'Left out'),
      bundle.leftOut.length === 0
        ? null
        : h('ul', { class: 'plain' }, ...bundle.leftOut.map((item) => h('li', {}, `${item.what}: ${item.reason}`))),
      h('h3', {}, 'Settings'),
      h('pre', { class: 'settings' }, JSON.stringify(bundle.settings, null, 2)),
    ),
    timelineSection(answer),
    section(
      'Supplies',
      'supplies',
      ...(charts.length === 0 ? [h('p', {}, 'No supply history in this bundle.')] : charts.map((chart) => chart.element)),
    ),
    logsSection(answer),
  );
  return { element, dispose: () => charts.forEach((chart) => chart.dispose()) };
}
