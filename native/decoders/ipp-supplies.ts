import type { DeviceCondition } from '../../common/device.js';
import {
  DEFAULT_LOW_THRESHOLD,
  type SupplyColor,
  type SupplyKind,
  type SupplyLevel,
  type SupplyReading,
  type SupplyRole,
} from '../../common/supply.js';
import { bytesToText } from './decoded.js';
import {
  CUPS_MARKER_COLORANTS,
  IPP_KIND_BY_TYPE,
  IPP_PRINTER_STATES,
  IPP_REASONS,
  NO_COLORANT,
  type IppPrinterState,
  type IppSeverity,
  type ReasonInfo,
} from './ipp-constants.js';

/** rangeOfInteger (RFC 8010 §3.9). */
export interface IppRange {
  lower: number;
  upper: number;
}
/** resolution (RFC 8010 §3.9): units 3 = dots per inch, 4 = dots per cm. */
export interface IppResolution {
  x: number;
  y: number;
  units: number;
}
/** A collection value: member name → values. */
export interface IppCollection {
  collection: IppAttributes;
}
/** text/nameWithLanguage. */
export interface IppLocalizedText {
  text: string;
  language: string;
}
/**
 * One attribute value as the IPP decoder gives it: integer/enum → number, boolean, character
 * strings → string, octetString → Uint8Array, dateTime → Date, out-of-band (unknown, no-value,
 * unsupported) → null.
 */
export type IppValue = string | number | boolean | null | Uint8Array | Date | IppRange | IppResolution | IppCollection | IppLocalizedText;
/** Attributes by name, each with its values in order. */
export type IppAttributes = Readonly<Record<string, readonly IppValue[]>>;

export type { IppPrinterState } from './ipp-constants.js';

/** What decodeIppSupplies finds: supplies (callers run them through classifySupply), conditions and the printer's state. */
export interface IppSupplyDecode {
  supplies: SupplyReading[];
  conditions: DeviceCondition[];
  printerState?: IppPrinterState;
  stateMessage?: string;
}

const MAX_SUPPLIES = 64;
const MAX_CONDITIONS = 64;

/** Reads a value as text: strings as they are, octetStrings as UTF-8 (Latin-1 when not valid UTF-8), localized text without its language. */
export function ippText(value: IppValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return bytesToText(value);
  if (value !== null && typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return undefined;
}

/** Reads a value as an integer, or undefined. */
export function ippInteger(value: IppValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function values(attributes: IppAttributes, name: string): readonly IppValue[] {
  const list = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
  return Array.isArray(list) ? list : [];
}

/**
 * Parses one PWG 5100.13 printer-supply value, `key=value;key=value;…` (e.g. `index=1;
 * class=receptacleThatIsFilled;type=wasteToner;unit=percent;level=25;colorantname=...`). Keys are
 * lower-cased; the first of a repeated key wins; values are trimmed.
 */
export function parsePrinterSupply(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const part of text.split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const key = part.slice(0, equals).trim().toLowerCase();
    if (key === '' || Object.hasOwn(entries, key)) continue;
    entries[key] = part.slice(equals + 1).trim();
  }
  return entries;
}

function normalizeType(type: string): string {
  return type.toLowerCase().replace(/[-_\s]/g, '');
}

function kindOf(type: string | undefined): SupplyKind {
  if (!type) return 'other';
  return IPP_KIND_BY_TYPE[normalizeType(type)] ?? (normalizeType(type).startsWith('waste') ? 'waste' : 'other');
}

/**
 * The colorant a printer-supply entry names (PWG 5101.1 keywords, `light-cyan`), in words (`light
 * cyan`): the panel picks the display colour. A `#RRGGBB` in colorantname is the device's own colour
 * value; "unknown", "no-color" and the like say there is no colour.
 */
function colorFromColorantName(text: string | undefined): SupplyColor | undefined {
  if (!text) return undefined;
  const hex = /^#[0-9a-fA-F]{6}$/.exec(text.trim())?.[0];
  if (hex) return colorFromHex(hex);
  const name = clampText(text.toLowerCase().replace(/[-_\s]+/g, ' '), 40);
  if (name === '' || NO_COLORANT.has(name)) return undefined;
  return { name };
}

/**
 * marker-colors: `#RRGGBB`, several for a multi-colour cartridge (`#00FFFF#FF00FF#FFFF00`), or
 * `none`. The device's value is kept as it sent it; its name comes from CUPS's pure colours.
 */
function colorFromHex(value: string | undefined): { name: string; hex: string } | undefined {
  if (!value) return undefined;
  const hexes = value.match(/#[0-9a-fA-F]{6}/g);
  if (!hexes || hexes.length === 0) return undefined;
  const hex = hexes[0]!.toLowerCase();
  if (hexes.length > 1) return { name: 'multi-colour', hex };
  return { name: CUPS_MARKER_COLORANTS[hex] ?? 'unknown', hex };
}

function clampText(text: string, max: number): string {
  // Control characters would break a one-line display; printers send them rarely, naughty strings often.
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean.length > max ? clean.slice(0, max) : clean;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** −1 unavailable, −2 unknown, −3 some left (RFC 3805 prtMarkerSuppliesLevel; cups `doc/help/spec-ipp.html`). */
function specialLevel(level: number): SupplyLevel | undefined {
  if (level === -1) return { kind: 'unavailable' };
  if (level === -2) return { kind: 'unknown' };
  if (level === -3) return { kind: 'some-left' };
  return undefined;
}

function percentLevel(percent: number): SupplyLevel {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) return { kind: 'unknown' };
  return { kind: 'percent', percent: Math.round(percent * 10) / 10 };
}

/**
 * The level of a printer-supply entry. `unit=percent` → level is a percentage (of maxcapacity when
 * that is given and not 100); another unit with a positive maxcapacity → level ÷ maxcapacity, as
 * cups `backend/snmp-supplies.c` computes it; otherwise unknown. Levels of receptacles are how full
 * they are — what ippeveprinter reports and CUPS's marker-levels carry (95 → "almost full").
 */
function supplyLevel(entry: Record<string, string>): SupplyLevel {
  const level = integerOf(entry.level);
  if (level === undefined) return { kind: 'unknown' };
  const special = specialLevel(level);
  if (special) return special;
  if (level < 0) return { kind: 'unknown' };
  const maximum = integerOf(entry.maxcapacity);
  const unit = entry.unit?.toLowerCase();
  if (unit === 'percent') {
    if (maximum !== undefined && maximum > 0 && maximum !== 100) return percentLevel((level / maximum) * 100);
    return percentLevel(level);
  }
  if (maximum !== undefined && maximum > 0) return percentLevel((level / maximum) * 100);
  return { kind: 'unknown' };
}

function integerOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d{1,9}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

function roleOf(kind: SupplyKind, supplyClass: string | undefined): SupplyRole {
  const normalized = supplyClass?.toLowerCase();
  if (normalized === 'receptaclethatisfilled') return 'receptacle';
  if (normalized === 'supplythatisconsumed') return 'consumable';
  return kind === 'waste' ? 'receptacle' : 'consumable';
}

function describeSupply(kind: SupplyKind, type: string | undefined, color: SupplyColor | undefined): string {
  const what =
    kind === 'other'
      ? type
        ? type
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .replace(/-/g, ' ')
            .toLowerCase()
        : 'supply'
      : kind === 'waste'
        ? 'waste container'
        : kind === 'drum'
          ? 'imaging drum'
          : kind;
  const named = color !== undefined && kind !== 'waste' && !NO_COLORANT.has(color.name);
  const name = clampText(capital(named ? `${color.name} ${what}` : what), 120);
  return name === '' ? 'Supply' : name;
}

function supplyId(prefix: string, index: number | undefined, position: number): string {
  return `${prefix}-${index ?? position + 1}`;
}

/** The colorant name with the device's own `#RRGGBB` from marker-colors, when it sent one. */
function withDeviceHex(color: SupplyColor | undefined, markerColor: string | undefined): SupplyColor | undefined {
  const fromHex = colorFromHex(markerColor);
  if (!color) return fromHex;
  if (!fromHex || color.hex !== undefined) return color;
  return { name: color.name, hex: fromHex.hex };
}

/** Supplies from printer-supply (+ printer-supply-description), the PWG 5100.13 attributes. */
function fromPrinterSupply(attributes: IppAttributes): SupplyReading[] {
  const entries = values(attributes, 'printer-supply');
  const descriptions = values(attributes, 'printer-supply-description');
  const lowLevels = values(attributes, 'marker-low-levels');
  const pairLowLevels = lowLevels.length === entries.length;
  // CUPS and ippeveprinter send marker-colors beside printer-supply, one per supply in the same order.
  const markerColors = values(attributes, 'marker-colors');
  const pairColors = markerColors.length === entries.length;
  const supplies: SupplyReading[] = [];
  const seen = new Set<string>();
  entries.slice(0, MAX_SUPPLIES).forEach((value, position) => {
    const text = ippText(value);
    if (text === undefined) return;
    const entry = parsePrinterSupply(text);
    if (Object.keys(entry).length === 0) return;
    const index = integerOf(entry.index);
    const kind = kindOf(entry.type);
    const role = roleOf(kind, entry.class);
    const color =
      kind === 'waste'
        ? undefined
        : withDeviceHex(colorFromColorantName(entry.colorantname), pairColors ? ippText(markerColors[position]) : undefined);
    const description = clampText(ippText(descriptions[position]) ?? '', 120);
    let id = supplyId('supply', index !== undefined && index >= 0 ? index : undefined, position);
    if (seen.has(id)) id = `supply-at-${position + 1}`;
    seen.add(id);
    const low = pairLowLevels ? ippInteger(lowLevels[position]) : undefined;
    const reading: SupplyReading = {
      id,
      name: description || describeSupply(kind, entry.type, color),
      kind,
      role,
      level: supplyLevel(entry),
      lowThreshold: low !== undefined && low >= 0 && low <= 100 ? low : DEFAULT_LOW_THRESHOLD[role],
    };
    if (color) reading.color = color;
    supplies.push(reading);
  });
  return supplies;
}

/** Supplies from CUPS's marker-* attributes (cups `doc/help/spec-ipp.html`): parallel lists, one entry per supply. */
function fromMarkers(attributes: IppAttributes): SupplyReading[] {
  const levels = values(attributes, 'marker-levels');
  const types = values(attributes, 'marker-types');
  const names = values(attributes, 'marker-names');
  const colors = values(attributes, 'marker-colors');
  const lowLevels = values(attributes, 'marker-low-levels');
  const highLevels = values(attributes, 'marker-high-levels');
  const count = Math.min(Math.max(levels.length, names.length, types.length), MAX_SUPPLIES);
  const supplies: SupplyReading[] = [];
  for (let position = 0; position < count; position += 1) {
    const type = ippText(types[position]);
    const kind = kindOf(type);
    const low = ippInteger(lowLevels[position]);
    const high = ippInteger(highLevels[position]);
    // marker-high-levels is 100 for consumables and 0 for receptacles, whose low mark is 85–95:
    // a high mark below the low mark tells a receptacle apart when the type does not.
    const role: SupplyRole =
      kind === 'waste' || (kind === 'other' && low !== undefined && high !== undefined && high < low) ? 'receptacle' : 'consumable';
    const color = kind === 'waste' ? undefined : colorFromHex(ippText(colors[position]));
    const level = ippInteger(levels[position]);
    const name = clampText(ippText(names[position]) ?? '', 120);
    const reading: SupplyReading = {
      id: `marker-${position + 1}`,
      name: name || describeSupply(kind, type, color),
      kind,
      role,
      level: level === undefined ? { kind: 'unknown' } : (specialLevel(level) ?? percentLevel(level)),
      lowThreshold: low !== undefined && low >= 0 && low <= 100 ? low : DEFAULT_LOW_THRESHOLD[role],
    };
    if (color) reading.color = color;
    supplies.push(reading);
  }
  return supplies;
}

type Severity = IppSeverity;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function splitReason(keyword: string): { base: string; suffix: Severity | undefined } {
  const match = /^(.*)-(report|warning|error)$/.exec(keyword);
  if (!match) return { base: keyword, suffix: undefined };
  const suffix = match[2] === 'report' ? 'info' : (match[2] as Severity);
  return { base: match[1]!, suffix };
}

/** Condition codes are IPP keywords: lower-case letters, digits and hyphens, at most 64 characters. */
function sanitizeCode(text: string): string {
  const code = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return code === '' ? 'other' : code;
}

function reasonConditions(attributes: IppAttributes, supplies: SupplyReading[]): DeviceCondition[] {
  const conditions: DeviceCondition[] = [];
  const seen = new Set<string>();
  for (const value of values(attributes, 'printer-state-reasons')) {
    const keyword = ippText(value)?.trim().toLowerCase();
    if (!keyword || keyword === 'none') continue;
    const { base, suffix } = splitReason(keyword);
    const code = sanitizeCode(base);
    if (seen.has(code)) continue;
    seen.add(code);
    const known = IPP_REASONS[code];
    let severity: Severity = known?.severity ?? suffix ?? 'warning';
    if (known && suffix && SEVERITY_RANK[suffix] > SEVERITY_RANK[severity]) severity = suffix;
    const message = known?.message ?? `The printer reports "${clampText(base, 200)}"`;
    conditions.push({ code, severity, message });
    if (known?.supply) markSupplies(supplies, known.supply);
    if (conditions.length >= MAX_CONDITIONS) break;
  }
  return conditions;
}

/** Marks the supply a reason speaks about, but only when exactly one supply fits: "toner-low" on a four-toner printer names none. */
function markSupplies(supplies: SupplyReading[], target: NonNullable<ReasonInfo['supply']>): void {
  const candidates = supplies.filter(
    (supply) =>
      (target.kinds === 'any' || target.kinds.includes(supply.kind)) && (target.role === undefined || supply.role === target.role),
  );
  if (candidates.length !== 1) return;
  const supply = candidates[0]!;
  if (target.state === 'low') supply.lowReported = true;
  else supply.emptyReported = true;
}

/**
 * Decodes supplies and conditions from get-printer-attributes: printer-supply (PWG 5100.13) when
 * present, else CUPS's marker-* lists; printer-state-reasons to conditions (and to the one supply
 * they unambiguously name); printer-state 5 (stopped) with no error to explain it becomes a
 * `stopped` condition carrying printer-state-message.
 */
export function decodeIppSupplies(attributes: IppAttributes): IppSupplyDecode {
  const fromSupply = fromPrinterSupply(attributes);
  const supplies = fromSupply.length > 0 ? fromSupply : fromMarkers(attributes);
  const conditions = reasonConditions(attributes, supplies);
  const result: IppSupplyDecode = { supplies, conditions };
  const state = IPP_PRINTER_STATES[ippInteger(values(attributes, 'printer-state')[0]) ?? -1];
  if (state) result.printerState = state;
  const message = clampText(ippText(values(attributes, 'printer-state-message')[0]) ?? '', 300);
  if (message) result.stateMessage = message;
  if (state === 'stopped' && !conditions.some((condition) => condition.severity === 'error') && conditions.length < MAX_CONDITIONS) {
    conditions.push({
      code: 'stopped',
      severity: 'error',
      message: message ? `Printer stopped: ${message}`.slice(0, 300) : 'Printer stopped',
    });
  }
  return result;
}
