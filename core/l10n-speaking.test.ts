// The Node side in the owner's language: the tray menu and tooltip, supply alerts, the summary
// notification and the devices report, with the active translator switched as a host does it.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../common/device.js';
import { activeTranslator, setActiveTranslator } from '../common/l10n/active-translator.js';
import { loadTranslator } from '../common/l10n/catalogues.js';
import { englishTranslator } from '../common/l10n/translator.js';
import { DEFAULT_SETTINGS } from '../common/settings.js';
import { classifySupply } from '../common/supply.js';
import { buildReport, formatReport } from '../native/cli/devices-report.js';
import { summaryTitle } from './messages/delivery-effects.js';
import { describeAlert } from './supply-alerts.js';
import { trayModel } from './tray-model.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const cyan = classifySupply({
  id: 'cyan',
  name: 'Cyan',
  kind: 'ink',
  role: 'consumable',
  level: { kind: 'percent', percent: 8 },
  lowThreshold: 10,
  partNumber: 'TS-805XL-C',
});
const printer: DeviceSnapshot = {
  id: 'simulated:1',
  transport: 'simulated',
  identity: { manufacturer: 'Trayside', model: 'Demo Printer', commandSet: [] },
  state: 'ok',
  statusLine: 'Ready',
  conditions: [],
  supplies: [cyan],
  facts: {},
  stale: false,
  updatedAt: NOW,
};

afterEach(() => setActiveTranslator(englishTranslator));

describe('the Node side speaks the active locale', () => {
  it('tray menu and tooltip in German, with the urgent count in the German plural', async () => {
    setActiveTranslator(await loadTranslator('de'));
    const model = trayModel({ snapshots: [printer], settings: DEFAULT_SETTINGS, now: NOW, urgentMessages: 2 });
    expect(model.tooltip).toBe('Trayside – 2 dringende Nachrichten · Alle Geräte bereit');
    const labels = model.menu.flatMap((item) => (item.kind === 'separator' ? [] : [item.label]));
    expect(labels).toEqual([
      'Trayside öffnen',
      '2 dringende Nachrichten – lesen',
      'Demo Printer – Cyan 8 %',
      'Benachrichtigungen für 1 Stunde pausieren',
      'Benachrichtigungen bis morgen pausieren',
      'Bei der Anmeldung starten',
      'Hilfe holen',
      'Trayside beenden',
    ]);
  });

  it('supply alert and summary notification in Japanese', async () => {
    setActiveTranslator(await loadTranslator('ja'));
    expect(describeAlert(printer, cyan)).toEqual({
      title: 'Cyan が残りわずかです',
      body: 'Demo Printer: 残り 8%。 品番 TS-805XL-C。',
      deviceId: 'simulated:1',
    });
    expect(summaryTitle(5, 1, 'Acme')).toBe('Acme からのメッセージがさらに 5 件');
  });

  it('the devices report in Arabic: labels and the plural of devices found', async () => {
    const ar = await loadTranslator('ar');
    const report = buildReport(
      {
        devices: [],
        problems: [],
        environment: { appVersion: '1.0.0', os: { platform: 'linux', release: '6', arch: 'x64' }, node: 'v20' },
        now: new Date(NOW),
        demo: false,
      },
      ar,
    );
    const text = formatReport(report, ar);
    expect(text.split('\n')[0]).toBe('لم يُعثر على أي جهاز.');
    expect(text).toContain('ما يمكنك تجربته:');
    expect(text).toContain('npm run devices -- --ipp ipp://printer.local/ipp/print');
  });

  it('English stays the default', () => {
    expect(activeTranslator().locale).toBe('en');
    expect(summaryTitle(5, 0, 'Acme')).toBe('5 messages from Acme');
  });
});
