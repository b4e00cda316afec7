import type { DeviceIdentity, DeviceSnapshot, DeviceState } from '../../../common/device.js';
import type { Settings } from '../../../common/settings.js';
import { describeLevel, supplyUrgency, type Supply } from '../../../common/supply.js';
import { supplySwatch } from './supply-palette.js';

/** Formats an epoch-ms time as the owner reads clocks ("10:42"); passed in so tests do not depend on the time zone. */
export type FormatTime = (epochMs: number) => string;

/** Hours and minutes in the owner's locale. */
export const formatClockTime: FormatTime = (epochMs) => new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** "Trayside Demo Printer", "Epson ET-2850": the model, prefixed by the maker unless the model already names it. */
export function deviceName(identity: DeviceIdentity): string {
  const manufacturer = identity.manufacturer.trim();
  const model = identity.model.trim();
  if (!model) return manufacturer || 'Unknown device';
  if (!manufacturer || model.toLowerCase().startsWith(manufacturer.toLowerCase())) return model;
  return `${manufacturer} ${model}`;
}

/** The word for a device's overall state, so the state never rests on colour alone. */
export function stateLabel(state: DeviceState): string {
  switch (state) {
    case 'ok':
      return 'Ready';
    case 'attention':
      return 'Needs attention';
    case 'error':
      return 'Error';
    case 'unreachable':
      return 'Not responding';
  }
}

/** What a supply gauge shows and says. */
export interface GaugeView {
  /** "64 %", "35 % full", "Unknown", "Not reported", "Some left". */
  valueText: string;
  /** Bar length 0–100, or undefined when the level is not a number (no bar, never a 0 % bar). */
  fillPercent: number | undefined;
  /** Word that marks a supply needing action, or null. */
  emphasis: 'Low' | 'Empty' | 'Nearly full' | 'Full' | null;
  /** What a screen reader says for the value: "5 %, low" (the supply's name is the gauge's label). */
  spokenValue: string;
  /** How much attention the supply needs, from its state (never from the words above). */
  urgency: 'ok' | 'low' | 'empty';
  /** CSS colour of the swatch and bar, or undefined for the neutral swatch. */
  swatch: string | undefined;
}

const URGENCY_NAMES = ['ok', 'low', 'empty'] as const;

/**
 * Describes one gauge. A receptacle (waste ink box) fills up, so its bar and its words are about
 * how full it is; a level that is not a number is a word, never a 0 % bar.
 */
export function describeGauge(supply: Supply): GaugeView {
  const level = supply.level;
  const receptacle = supply.role === 'receptacle';
  const fillPercent = level.kind === 'percent' ? Math.min(100, Math.max(0, level.percent)) : undefined;
  const valueText = level.kind === 'percent' && receptacle ? `${describeLevel(level)} full` : describeLevel(level);
  let emphasis: GaugeView['emphasis'] = null;
  if (supply.empty) emphasis = receptacle ? 'Full' : 'Empty';
  else if (supply.low) emphasis = receptacle ? 'Nearly full' : 'Low';
  const spokenValue = emphasis ? `${valueText}, ${emphasis.toLowerCase()}` : valueText;
  return { valueText, fillPercent, emphasis, spokenValue, urgency: URGENCY_NAMES[supplyUrgency(supply)], swatch: supplySwatch(supply.color) };
}

/** The reorder button a gauge offers: "Order" for a consumable, "Replace" for a waste box; null when nothing needs ordering or there is no part to order. */
export function orderAction(supply: Supply): { verb: 'Order' | 'Replace'; label: string } | null {
  if (!supply.low || supply.partNumber === undefined) return null;
  const verb = supply.role === 'receptacle' ? 'Replace' : 'Order';
  // The visible word starts the spoken name, so voice control ("click Order") still finds it.
  return { verb, label: `${verb} ${supply.name} (${supply.partNumber})` };
}

/** "Showing the last reading from 10:42" for a device whose latest reads failed; null when the reading is fresh. */
export function staleHint(device: Pick<DeviceSnapshot, 'stale' | 'updatedAt'>, formatTime: FormatTime): string | null {
  if (!device.stale) return null;
  if (device.updatedAt === null) return 'No reading yet';
  return `Showing the last reading from ${formatTime(device.updatedAt)}`;
}

/** "Notifications paused until 14:05", or null when they are on. */
export function pauseSummary(settings: Pick<Settings, 'notificationsPausedUntil'>, now: number, formatTime: FormatTime): string | null {
  const until = settings.notificationsPausedUntil;
  if (until === null || until <= now) return null;
  const sameDay = new Date(until).toDateString() === new Date(now).toDateString();
  return `Notifications paused until ${sameDay ? '' : 'tomorrow '}${formatTime(until)}`;
}
