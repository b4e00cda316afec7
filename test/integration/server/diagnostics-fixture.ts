import { BUNDLE_FORMAT, BUNDLE_VERSION, type DiagnosticsBundle } from '../../../common/diagnostics/bundle.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A bundle as the owner's app captures it with the demo printer in an error state (a paper jam in
 * the rear unit) and serials removed: the serial appears only as <serial-1>, wherever it was.
 * Thirty days of supply history with cyan draining fast, a repro window around the jam.
 */
export function errorStateBundle(capturedAt: number): DiagnosticsBundle {
  const from = capturedAt - 30 * DAY;
  const jamAt = capturedAt - 20 * 60_000;
  const repro = { start: capturedAt - 30 * 60_000, end: capturedAt - 5 * 60_000 };
  const daily = (start: number, perDay: number) =>
    Array.from({ length: 31 }, (_, day): [number, number] => [from + day * DAY, Math.max(0, Math.round((start - perDay * day) * 10) / 10)]);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    capturedAt,
    app: { name: 'Trayside', version: '0.1.0', host: 'node', branding: 'trayside-demo' },
    os: { platform: 'linux', release: '6.1.0-18-amd64', arch: 'x64', node: '20.20.0', locale: 'en-GB' },
    devices: [
      {
        id: 'sim-printer-1',
        transport: 'simulated',
        manufacturer: 'Trayside',
        model: 'Demo Printer 805',
        serial: '<serial-1>',
        firmware: '2.4.1',
        vendorId: 0x1209,
        productId: 0x0805,
        ieee1284: { MFG: 'Trayside', MDL: 'Demo Printer 805', CMD: 'PJL,PCL', SN: '<serial-1>' },
        state: 'error',
        statusLine: 'Paper jam in the rear unit',
        facts: { 'pages printed': '12840' },
        stale: false,
        updatedAt: capturedAt - 60_000,
      },
    ],
    history: {
      from,
      to: capturedAt,
      statusChanges: [
        { at: from + 2 * DAY, deviceId: 'sim-printer-1', state: 'ok', statusLine: 'Ready' },
        { at: capturedAt - 3 * DAY, deviceId: 'sim-printer-1', state: 'attention', statusLine: 'Cyan is low' },
        { at: jamAt, deviceId: 'sim-printer-1', state: 'error', statusLine: 'Paper jam in the rear unit' },
      ],
      supplies: [
        {
          deviceId: 'sim-printer-1',
          supplyId: 'cyan',
          name: 'Cyan ink (805XL)',
          kind: 'ink',
          samples: daily(74, 2),
          remaining: 14,
          daysLeft: 7,
        },
        {
          deviceId: 'sim-printer-1',
          supplyId: 'black',
          name: 'Black ink (805XL)',
          kind: 'ink',
          samples: daily(90, 0.5),
          remaining: 75,
          daysLeft: 150,
        },
      ],
    },
    errors: [
      { deviceId: 'sim-printer-1', code: 'paper-jam-rear', severity: 'error', message: 'Paper jam in the rear unit', since: jamAt },
      { deviceId: 'sim-printer-1', code: 'supply-low-cyan', severity: 'warning', message: 'Cyan is low', since: capturedAt - 3 * DAY },
    ],
    messages: [
      {
        messageId: 'cyan-low-805xl',
        title: 'Cyan running low — order 805XL',
        shownAt: capturedAt - 2 * DAY,
        actions: [{ at: capturedAt - 2 * DAY + 60_000, action: 'dismissed' }],
      },
    ],
    events: [
      { at: repro.start, type: 'repro-started', detail: 'Record while I reproduce the problem: 15 minutes' },
      { at: jamAt + 30_000, type: 'owner-action', detail: 'Opened "How to clear a jam in the rear unit"' },
      { at: repro.end, type: 'repro-ended' },
    ],
    settings: { consent: 'support-sharing', backendUrl: 'https://<host-1>/', apiToken: '<secret>' },
    logs: [
      { time: capturedAt - 2 * HOUR, level: 'info', source: 'host', message: 'Trayside 0.1.0 started' },
      { time: capturedAt - 2 * HOUR + 1000, level: 'debug', source: 'devices', message: 'opened sim-printer-1 (serial <serial-1>)' },
      { time: repro.start + 1000, level: 'debug', source: 'devices', message: 'PJL INFO STATUS: CODE=10023 ONLINE=TRUE' },
      { time: jamAt, level: 'error', source: 'devices', message: 'sim-printer-1: paper jam in the rear unit (code 41201)' },
      { time: jamAt + 5000, level: 'warn', source: 'messages', message: 'service message suppressed: quiet hours' },
      // Bundle text that looks like markup must reach support as text, never as HTML.
      {
        time: jamAt + 6000,
        level: 'info',
        source: 'devices',
        message: '<img src=x onerror="document.title=\'pwned\'"> job title removed: <job-title-1>',
      },
    ],
    repro,
    redaction: [
      { kind: 'serial', count: 1, action: 'removed' },
      { kind: 'host', count: 1, action: 'removed' },
      { kind: 'job-title', count: 1, action: 'removed' },
    ],
    leftOut: [{ what: 'settings.apiToken', reason: 'a secret' }],
  };
}

/** The serial the demo printer would have reported, which must appear nowhere in an uploaded case. */
export const REAL_SERIAL = 'TRS805-0042-7781';
