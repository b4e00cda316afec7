import type { DeviceCondition } from '../../common/device.js';
import { DEFAULT_LOW_THRESHOLD, type SupplyLevel, type SupplyReading } from '../../common/supply.js';
import type { HidField } from './hid-descriptor.js';
import { CAPACITY_MODE, HID_USAGE } from './hid-usages.js';

/** What a HID Power Device or battery says, in the project's model; callers run supplies through `classifySupply`. */
export interface PowerReading {
  supplies: SupplyReading[];
  conditions: DeviceCondition[];
  facts: Record<string, string>;
}

/**
 * Ranks fields carrying the same usage: Input reports are the device's live values, so they come
 * before Feature reports; `PowerSummary` paths (what NUT's `battery.charge` reads) before others.
 * A constant field with a usage is still a value here: power devices mark read-only values constant.
 */
function rank(field: HidField): number {
  const typeRank = field.reportType === 'input' ? 0 : field.reportType === 'feature' ? 1 : 2;
  const summaryRank = field.path.includes(HID_USAGE.powerSummary) ? 0 : 1;
  return typeRank * 2 + summaryRank;
}

interface Found {
  field: HidField;
  value: number;
}

/**
 * Maps Power Device (0x84) and Battery System (0x85) usages, plus Generic Device Controls
 * Battery Strength (0x06:0x20), to one battery supply, conditions and facts — the way NUT's
 * usbhid-ups maps `UPS.PowerSummary.*` paths to `battery.charge`, `battery.charge.low`,
 * `battery.runtime` and the OL/OB/LB/RB status flags (nut `drivers/apc-hid.c`, `docs/hid-subdrivers.txt`).
 *
 * Percent rule for RemainingCapacity (and the limits):
 * - CapacityMode 2 → the value is a percentage.
 * - CapacityMode 0/1 (mAh/mWh) → a percentage only as value ÷ FullChargeCapacity.
 * - No CapacityMode → a percentage when the field's logical maximum is 100 ("most drivers just
 *   assume percent", nut `drivers/arduino-hid.c`), else value ÷ FullChargeCapacity when known.
 * - Otherwise, or CapacityMode 3 (boolean only), the level is unknown — never a guessed number.
 * Battery Strength is scaled over its logical range, as Linux `hidinput_scale_battery_capacity` does.
 */
export function mapPowerDevice(fields: HidField[], values: (field: HidField) => number | undefined): PowerReading {
  const present = new Map<number, HidField[]>();
  for (const field of fields) {
    if (!field.variable || field.usage === 0) continue;
    const list = present.get(field.usage);
    if (list) list.push(field);
    else present.set(field.usage, [field]);
  }
  const has = (usage: number): boolean => present.has(usage);
  const find = (usage: number): Found | undefined => {
    const candidates = [...(present.get(usage) ?? [])].sort((a, b) => rank(a) - rank(b));
    for (const field of candidates) {
      const value = values(field);
      if (value !== undefined && Number.isFinite(value)) return { field, value };
    }
    return undefined;
  };
  const flag = (usage: number): boolean | undefined => {
    const found = find(usage);
    return found === undefined ? undefined : found.value !== 0;
  };

  const supplies: SupplyReading[] = [];
  const conditions: DeviceCondition[] = [];
  const facts: Record<string, string> = {};

  const mode = find(HID_USAGE.batteryCapacityMode)?.value;
  const fullCharge = find(HID_USAGE.batteryFullChargeCapacity)?.value;
  const asPercent = (found: Found | undefined): number | undefined => {
    if (!found) return undefined;
    let percent: number | undefined;
    if (mode === CAPACITY_MODE.percent) percent = found.value;
    else if (mode === CAPACITY_MODE.milliampHours || mode === CAPACITY_MODE.milliwattHours) percent = ratio(found.value, fullCharge);
    else if (mode === undefined) percent = found.field.logicalMaximum === 100 ? found.value : ratio(found.value, fullCharge);
    if (percent === undefined || !Number.isFinite(percent) || percent < 0 || percent > 100) return undefined;
    return percent;
  };

  const charging = flag(HID_USAGE.batteryCharging);
  const discharging = flag(HID_USAGE.batteryDischarging);
  const acPresent = flag(HID_USAGE.batteryAcPresent);
  const belowLimit = flag(HID_USAGE.batteryBelowRemainingCapacityLimit);
  const needReplacement = flag(HID_USAGE.batteryNeedReplacement);
  const shutdownImminent = flag(HID_USAGE.powerShutdownImminent);

  const hasCapacity = has(HID_USAGE.batteryRemainingCapacity);
  const hasStrength = has(HID_USAGE.genericDeviceBatteryStrength);
  if (hasCapacity || hasStrength) {
    let level: SupplyLevel = { kind: 'unknown' };
    const remaining = hasCapacity ? asPercent(find(HID_USAGE.batteryRemainingCapacity)) : undefined;
    if (remaining !== undefined) level = { kind: 'percent', percent: round1(remaining) };
    else if (hasStrength) {
      const strength = find(HID_USAGE.genericDeviceBatteryStrength);
      const scaled = strength ? scaleToPercent(strength) : undefined;
      if (scaled !== undefined) level = { kind: 'percent', percent: round1(scaled) };
    }
    const limit = asPercent(find(HID_USAGE.batteryRemainingCapacityLimit));
    const reading: SupplyReading = {
      id: 'battery',
      name: 'Battery',
      kind: 'battery',
      role: 'consumable',
      level,
      lowThreshold: limit !== undefined ? round1(limit) : DEFAULT_LOW_THRESHOLD.consumable,
    };
    if (belowLimit === true) reading.lowReported = true;
    supplies.push(reading);
    const warning = asPercent(find(HID_USAGE.batteryWarningCapacityLimit));
    if (warning !== undefined) facts['Warning level'] = `${round1(warning)} %`;
  }

  const runtime = find(HID_USAGE.batteryRunTimeToEmpty);
  if (runtime && runtime.value >= 0) facts['Runtime left'] = formatDuration(runtime.value);
  if (charging !== undefined) facts.Charging = charging ? 'Yes' : 'No';
  if (acPresent !== undefined) facts['Power source'] = acPresent ? 'Mains' : 'Battery';
  else if (discharging !== undefined) facts['Power source'] = discharging ? 'Battery' : 'Mains';

  // NUT status flags: ACPresent → OL/OB, BelowRemainingCapacityLimit → LB, NeedReplacement → RB.
  const onBattery = acPresent === false || (acPresent === undefined && discharging === true);
  if (onBattery) conditions.push({ code: 'on-battery', severity: 'warning', message: 'Running on battery: mains power is off' });
  if (belowLimit === true)
    conditions.push({ code: 'battery-low', severity: 'error', message: 'Battery low: save your work; the device may shut down soon' });
  if (shutdownImminent === true)
    conditions.push({ code: 'shutdown-imminent', severity: 'error', message: 'Shutdown imminent: the device is about to switch off' });
  if (needReplacement === true) conditions.push({ code: 'battery-replace', severity: 'warning', message: 'The battery needs replacing' });

  return { supplies, conditions, facts };
}

function ratio(value: number, full: number | undefined): number | undefined {
  if (full === undefined || !(full > 0)) return undefined;
  return (value / full) * 100;
}

function scaleToPercent(found: Found): number | undefined {
  const { logicalMinimum: minimum, logicalMaximum: maximum } = found.field;
  if (maximum <= minimum) return undefined;
  const percent = ((found.value - minimum) / (maximum - minimum)) * 100;
  return percent >= 0 && percent <= 100 ? percent : undefined;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** "1 h 05 min", "12 min", "45 s": how long a UPS can carry the load. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
