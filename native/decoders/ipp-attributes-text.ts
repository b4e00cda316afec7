import type { DeviceIdentitySources } from '../../common/device.js';
import { BUNDLE_LIMITS } from '../../common/diagnostics/limits.js';
import { bytesToText } from './decoded.js';
import { parseDeviceIdString } from './ieee1284.js';
import type { IppAttributes, IppValue } from './ipp-supplies.js';

// Bounded as the diagnostics bundle takes them, so a printer that answers with thousands of
// attributes or a huge value cannot grow a capture without limit.
const {
  maxIppAttributes: MAX_ATTRIBUTES,
  maxIppValues: MAX_VALUES,
  maxIppNameChars: MAX_NAME,
  maxIppValueChars: MAX_VALUE,
} = BUNDLE_LIMITS;
const MAX_DEPTH = 4;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** One value as a person reads it: `600x600 dpi`, `1-99`, a date in ISO form, a collection as `{name=value …}`. */
export function ippValueText(value: IppValue, depth = 0): string {
  if (value === null) return '(no value)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return bytesToText(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '(bad date)' : value.toISOString();
  if ('text' in value) return value.text;
  if ('lower' in value) return `${value.lower}-${value.upper}`;
  if ('units' in value) return `${value.x}x${value.y} ${value.units === 3 ? 'dpi' : value.units === 4 ? 'dpcm' : `units ${value.units}`}`;
  if (depth >= MAX_DEPTH) return '{…}';
  const members = Object.entries(value.collection).map(
    ([name, values]) => `${name}=${values.map((inner) => ippValueText(inner, depth + 1)).join(',')}`,
  );
  return `{${members.join(' ')}}`;
}

/** The printer's attributes as read, each as text: one value a string, several an array. */
export function ippAttributesText(attributes: IppAttributes): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(attributes).slice(0, MAX_ATTRIBUTES)) {
    const texts = values.slice(0, MAX_VALUES).map((value) => clip(ippValueText(value), MAX_VALUE));
    out[clip(name, MAX_NAME)] = texts.length === 1 ? texts[0]! : texts;
  }
  return out;
}

/** What an IPP printer (or a CUPS queue) said about itself: its attributes, and the 1284 ID it passed on, field by field. */
export function ippIdentitySources(attributes: IppAttributes): DeviceIdentitySources {
  const deviceId = attributes['printer-device-id']?.[0];
  const text = deviceId === undefined || deviceId === null ? undefined : ippValueText(deviceId);
  return { ipp: ippAttributesText(attributes), ...(text ? { ieee1284: parseDeviceIdString(text).fields } : {}) };
}
