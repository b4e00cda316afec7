import type { DeviceIdentity, DeviceSnapshot, DeviceState } from '../../../common/device.js';
import type { Settings } from '../../../common/settings.js';
import { supplyUrgency, type Supply } from '../../../common/supply.js';
import { describeLevelIn } from '../../../common/l10n/supply-words.js';
import { englishTranslator, type Translator } from '../../../common/l10n/translator.js';

/** The message function of a translator; English by default so pure helpers stay testable alone. */
type T = Translator['t'];
const english: T = englishTranslator.t;
import { supplySwatch } from './supply-palette.js';

/** Formats an epoch-ms time as the owner reads clocks ("10:42"); passed in so tests do not depend on the time zone. */
export type FormatTime = (epochMs: number) => string;

/**
 * Hours and minutes as `locale` writes them ("16:30" in German, "4:30 PM" in English, Arabic with
 * its own digits and م); undefined is the browser's locale.
 */
export function clockTimeIn(locale: string | undefined): FormatTime {
  const format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  return (epochMs) => format.format(epochMs);
}

/** "Trayside Demo Printer", "Epson ET-2850": the model, prefixed by the maker unless the model already names it. */
export function deviceName(identity: DeviceIdentity, t: T = english): string {
  const manufacturer = identity.manufacturer.trim();
  const model = identity.model.trim();
  if (!model) return manufacturer || t('device.unknown');
  if (!manufacturer || model.toLowerCase().startsWith(manufacturer.toLowerCase())) return model;
  return `${manufacturer} ${model}`;
}

/** The word for a device's overall state, so the state never rests on colour alone. */
export function stateLabel(state: DeviceState, t: T = english): string {
  return t(`state.${state}`);
}

/** What a supply gauge shows and says. */
export interface GaugeView {
  /** "64 %", "35 % full", "Unknown", "Not reported", "Some left". */
  valueText: string;
  /** Bar length 0–100, or undefined when the level is not a number (no bar, never a 0 % bar). */
  fillPercent: number | undefined;
  /** Word that marks a supply needing action, or null. */
  emphasis: string | null;
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
export function describeGauge(supply: Supply, t: T = english): GaugeView {
  const level = supply.level;
  const receptacle = supply.role === 'receptacle';
  const fillPercent = level.kind === 'percent' ? Math.min(100, Math.max(0, level.percent)) : undefined;
  const valueText =
    level.kind === 'percent' && receptacle ? t('gauge.percentFull', { percent: Math.round(level.percent) }) : describeLevelIn(level, t);
  let emphasis: GaugeView['emphasis'] = null;
  if (supply.empty) emphasis = t(receptacle ? 'gauge.full' : 'gauge.empty');
  else if (supply.low) emphasis = t(receptacle ? 'gauge.nearlyFull' : 'gauge.low');
  const spokenValue = emphasis ? t('gauge.spoken', { value: valueText, emphasis: emphasis.toLocaleLowerCase() }) : valueText;
  return {
    valueText,
    fillPercent,
    emphasis,
    spokenValue,
    urgency: URGENCY_NAMES[supplyUrgency(supply)],
    swatch: supplySwatch(supply.color),
  };
}

/** The reorder button a gauge offers: "Order" for a consumable, "Replace" for a waste box; null when nothing needs ordering or there is no part to order. */
export function orderAction(supply: Supply, t: T = english): { verb: string; label: string } | null {
  if (!supply.low || supply.partNumber === undefined) return null;
  const receptacle = supply.role === 'receptacle';
  const values = { supply: supply.name, part: supply.partNumber };
  // The visible word is in the spoken name, so voice control ("click Order") still finds it.
  return {
    verb: t(receptacle ? 'gauge.replace' : 'gauge.order'),
    label: t(receptacle ? 'gauge.replaceNamed' : 'gauge.orderNamed', values),
  };
}

/** "Showing the last reading from 10:42" for a device whose latest reads failed; null when the reading is fresh. */
export function staleHint(device: Pick<DeviceSnapshot, 'stale' | 'updatedAt'>, formatTime: FormatTime, t: T = english): string | null {
  if (!device.stale) return null;
  if (device.updatedAt === null) return t('device.noReadingYet');
  return t('device.staleSince', { time: formatTime(device.updatedAt) });
}

/** "Notifications paused until 14:05", or null when they are on. */
export function pauseSummary(
  settings: Pick<Settings, 'notificationsPausedUntil'>,
  now: number,
  formatTime: FormatTime,
  t: T = english,
): string | null {
  const until = settings.notificationsPausedUntil;
  if (until === null || until <= now) return null;
  const sameDay = new Date(until).toDateString() === new Date(now).toDateString();
  return t(sameDay ? 'notifications.pausedUntil' : 'notifications.pausedUntilTomorrow', { time: formatTime(until) });
}
