import type { DeviceSnapshot, DeviceState } from '../common/device.js';
import type { PauseChoice } from '../common/contract/settings.js';
import type { Settings } from '../common/settings.js';
import { lowestSupply } from '../common/supply.js';
import { activeTranslator } from '../common/l10n/active-translator.js';
import type { Translator } from '../common/l10n/translator.js';
import { describeLevelIn } from '../common/l10n/supply-words.js';

/** The three looks of the tray icon. */
export type TrayState = 'ok' | 'attention' | 'error';

/** What a tray menu item does when clicked; the shell maps each to an Electron action. */
export type TrayAction =
  | { type: 'open-panel'; deviceId?: string }
  | { type: 'pause-notifications'; choice: PauseChoice }
  | { type: 'set-launch-at-login'; enabled: boolean }
  | { type: 'check-for-updates' }
  | { type: 'get-help' }
  | { type: 'quit' };

/** One tray menu entry as data, so the menu is tested without Electron. */
export type TrayMenuItem =
  | { kind: 'separator' }
  | { kind: 'label'; label: string }
  | { kind: 'action'; label: string; action: TrayAction }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction };

/** Everything the tray shows. */
export interface TrayModel {
  state: TrayState;
  tooltip: string;
  menu: TrayMenuItem[];
}

/** What the tray model is computed from. */
export interface TrayModelInput {
  snapshots: readonly DeviceSnapshot[];
  settings: Settings;
  now: number;
  productName?: string;
  /** Unread urgent messages: the tray's badge (attention icon, a count in the tooltip and the menu). */
  urgentMessages?: number;
  /** Clock time a person reads, e.g. "14:30"; injected so tests do not depend on the machine's locale. */
  formatTime?: (epochMs: number) => string;
  /** Present where this build updates itself: the menu offers "Check for updates", with the last outcome above it when there is one. */
  updates?: { status?: string; checking?: boolean };
  /** The words; by default the process's active locale (common/l10n/active-translator.ts). */
  translator?: Translator;
}

/** Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide chars). */
const MAX_TOOLTIP = 127;

const RANK: Record<DeviceState, number> = { ok: 0, attention: 1, unreachable: 2, error: 3 };

/**
 * A device that does not answer is shown as "attention", not "error": most often it is simply
 * switched off, and a red icon should mean the printer cannot print.
 */
function trayStateOf(state: DeviceState): TrayState {
  return state === 'ok' ? 'ok' : state === 'error' ? 'error' : 'attention';
}

function defaultFormatTime(epochMs: number): string {
  const date = new Date(epochMs);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** The worst device first, then by name, so the tooltip and menu lead with what needs attention. */
function byUrgency(snapshots: readonly DeviceSnapshot[]): DeviceSnapshot[] {
  return [...snapshots].sort((a, b) => RANK[b.state] - RANK[a.state] || a.identity.model.localeCompare(b.identity.model));
}

/** "Trayside Demo Printer — Cyan ink 23 %": the device and its lowest supply, or its problem. */
export function deviceMenuLabel(snapshot: DeviceSnapshot, { t }: Translator = activeTranslator()): string {
  const device = snapshot.identity.model || t('device.unknown');
  if (snapshot.state !== 'ok') return t('tray.deviceLine', { device, detail: snapshot.statusLine });
  const lowest = lowestSupply(snapshot.supplies);
  return t('tray.deviceLine', {
    device,
    detail: lowest ? t('tray.supplyLevel', { supply: lowest.name, level: describeLevelIn(lowest.level, t) }) : snapshot.statusLine,
  });
}

function tooltipOf(name: string, sorted: readonly DeviceSnapshot[], urgent: number, { t }: Translator): string {
  const worst = sorted[0];
  let text: string;
  if (!worst) text = t('tray.noDevice');
  else if (worst.state === 'ok') text = t('tray.allReady');
  else {
    const others = sorted.filter((snapshot) => snapshot !== worst && snapshot.state !== 'ok').length;
    const status =
      sorted.length > 1 ? t('tray.deviceStatus', { device: worst.identity.model, status: worst.statusLine }) : worst.statusLine;
    text = others > 0 ? t('tray.moreDevices', { status, count: others }) : status;
  }
  // The message count goes first: Windows cuts long tooltips at the end.
  const full =
    urgent > 0
      ? t('tray.tooltipUrgent', { product: name, urgent: t('tray.urgent', { count: urgent }), text })
      : t('tray.tooltip', { product: name, text });
  return full.length <= MAX_TOOLTIP ? full : `${full.slice(0, MAX_TOOLTIP - 1)}…`;
}

/** Computes the tray's icon state, tooltip and menu from the devices and settings. */
export function trayModel(input: TrayModelInput): TrayModel {
  const name = input.productName ?? 'Trayside';
  const translator = input.translator ?? activeTranslator();
  const { t } = translator;
  const formatTime = input.formatTime ?? defaultFormatTime;
  const sorted = byUrgency(input.snapshots);
  const urgent = Math.max(0, Math.floor(input.urgentMessages ?? 0));
  const deviceState = sorted[0] ? trayStateOf(sorted[0].state) : 'ok';
  // An unread urgent message is the tray's badge: at least the attention icon, never hiding an error.
  const state = urgent > 0 && deviceState === 'ok' ? 'attention' : deviceState;

  const menu: TrayMenuItem[] = [{ kind: 'action', label: t('tray.open', { product: name }), action: { type: 'open-panel' } }];
  if (urgent > 0) menu.push({ kind: 'action', label: t('tray.urgentRead', { count: urgent }), action: { type: 'open-panel' } });
  menu.push({ kind: 'separator' });
  if (sorted.length === 0) menu.push({ kind: 'label', label: t('tray.noDevice') });
  for (const snapshot of sorted) {
    menu.push({ kind: 'action', label: deviceMenuLabel(snapshot, translator), action: { type: 'open-panel', deviceId: snapshot.id } });
  }
  menu.push({ kind: 'separator' });

  const pausedUntil = input.settings.notificationsPausedUntil;
  if (pausedUntil !== null && pausedUntil > input.now) {
    menu.push({ kind: 'label', label: t('tray.pausedUntil', { time: formatTime(pausedUntil) }) });
    menu.push({ kind: 'action', label: t('tray.resume'), action: { type: 'pause-notifications', choice: 'resume' } });
  } else {
    menu.push({ kind: 'action', label: t('tray.pauseHour'), action: { type: 'pause-notifications', choice: 'one-hour' } });
    menu.push({ kind: 'action', label: t('tray.pauseTomorrow'), action: { type: 'pause-notifications', choice: 'until-tomorrow' } });
  }
  menu.push({
    kind: 'checkbox',
    label: t('tray.launchAtLogin'),
    checked: input.settings.launchAtLogin,
    action: { type: 'set-launch-at-login', enabled: !input.settings.launchAtLogin },
  });
  if (input.updates) {
    menu.push({ kind: 'separator' });
    if (input.updates.status) menu.push({ kind: 'label', label: input.updates.status });
    menu.push(
      input.updates.checking
        ? { kind: 'label', label: t('tray.checkingUpdates') }
        : { kind: 'action', label: t('tray.checkUpdates'), action: { type: 'check-for-updates' } },
    );
  }
  menu.push({ kind: 'separator' }, { kind: 'action', label: t('tray.getHelp'), action: { type: 'get-help' } });
  menu.push({ kind: 'separator' }, { kind: 'action', label: t('tray.quit', { product: name }), action: { type: 'quit' } });

  return { state, tooltip: tooltipOf(name, sorted, urgent, translator), menu };
}
