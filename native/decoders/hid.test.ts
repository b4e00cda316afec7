import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySupply } from '../../common/supply.js';
import { APC_BACK_UPS_ES_850G2_HEAD, ARDUINO_UPS_DESCRIPTOR } from './fixtures/hid-descriptors.js';
import { parseReportDescriptor, type HidField } from './hid-descriptor.js';
import { HID_USAGE } from './hid-usages.js';
import { HID_FLAGS, HID_GLOBAL, HID_LOCAL, HID_MAIN, hidItem } from './hid-descriptor-writer.js';
import { mapPowerDevice } from './hid-power.js';
import { applyExponent, readField, reportLength, writeField } from './hid-report.js';

const RUNS = 10_000;

function parsed(bytes: Uint8Array): HidField[] {
  const result = parseReportDescriptor(bytes);
  if (!result.ok) throw new Error(result.unreadable);
  return result.value;
}

function byUsage(fields: HidField[], usage: number, reportType: HidField['reportType']): HidField {
  const field = fields.find((candidate) => candidate.usage === usage && candidate.reportType === reportType);
  if (!field) throw new Error(`no ${reportType} field for usage 0x${usage.toString(16)}`);
  return field;
}

/** Reads every field from the reports a device would send, the way the HID transport does. */
function readerFor(reports: Map<string, Uint8Array>): (field: HidField) => number | undefined {
  return (field) => {
    const report = reports.get(`${field.reportType}:${field.reportId}`);
    if (!report) return undefined;
    const result = readField(report, field);
    return result.ok ? result.value : undefined;
  };
}

function reportsWith(fields: HidField[], values: Array<[HidField, number]>): Map<string, Uint8Array> {
  const reports = new Map<string, Uint8Array>();
  for (const [field, value] of values) {
    const key = `${field.reportType}:${field.reportId}`;
    let report = reports.get(key);
    if (!report) {
      report = new Uint8Array(
        reportLength(
          fields.filter((candidate) => candidate.reportType === field.reportType),
          field.reportId,
        ),
      );
      reports.set(key, report);
    }
    writeField(report, field, value);
  }
  return reports;
}

describe('parseReportDescriptor on real UPS descriptors', () => {
  const fields = parsed(ARDUINO_UPS_DESCRIPTOR);

  it('finds RemainingCapacity under UPS.PowerSummary as an 8-bit 0–100 input of report 12', () => {
    const capacity = byUsage(fields, HID_USAGE.batteryRemainingCapacity, 'input');
    expect(capacity).toMatchObject({
      reportId: 12,
      path: [HID_USAGE.powerUps, HID_USAGE.powerSummary, HID_USAGE.batteryRemainingCapacity],
      bitOffset: 0,
      bitSize: 8,
      logicalMinimum: 0,
      logicalMaximum: 100,
      constant: true,
      variable: true,
    });
  });

  it('lays out PresentStatus bits exactly as the firmware struct does (Charging bit 0 … Overload bit 13, 2 padding bits)', () => {
    const status = fields.filter((field) => field.reportType === 'input' && field.reportId === 7);
    expect(status.map((field) => field.bitOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(status[0]).toMatchObject({
      usage: HID_USAGE.batteryCharging,
      path: [HID_USAGE.powerUps, HID_USAGE.powerSummary, HID_USAGE.powerPresentStatus, HID_USAGE.batteryCharging],
    });
    expect(status[2]!.usage).toBe(HID_USAGE.batteryAcPresent);
    expect(status[6]!.usage).toBe(HID_USAGE.batteryNeedReplacement);
    expect(status[11]!.usage).toBe(HID_USAGE.powerShutdownImminent);
    expect(status[14]).toMatchObject({ usage: 0, constant: true, variable: false, bitSize: 1 });
  });

  it('reads signed ranges, units and the logical maximum written before its minimum', () => {
    expect(byUsage(fields, 0x840057, 'feature')).toMatchObject({
      logicalMinimum: -32768,
      logicalMaximum: 32767,
      signed: true,
      bitSize: 16,
    });
    expect(byUsage(fields, 0x85002a, 'input')).toMatchObject({ logicalMinimum: 120, logicalMaximum: 1380 });
    expect(byUsage(fields, HID_USAGE.batteryRunTimeToEmpty, 'input')).toMatchObject({
      bitSize: 16,
      logicalMaximum: 65535,
      unit: 0x1001,
      unitExponent: 0,
    });
    expect(byUsage(fields, 0x840040, 'feature')).toMatchObject({ unit: 0x00f0d121, unitExponent: 5 });
  });

  it('maps a live reading: 85 %, on mains, charging, 1 h 2 min left, low mark 10 %', () => {
    const reports = reportsWith(fields, [
      [byUsage(fields, HID_USAGE.batteryRemainingCapacity, 'input'), 85],
      [byUsage(fields, HID_USAGE.batteryRunTimeToEmpty, 'input'), 3720],
      [byUsage(fields, HID_USAGE.batteryCharging, 'input'), 1],
      [byUsage(fields, HID_USAGE.batteryAcPresent, 'input'), 1],
      [byUsage(fields, HID_USAGE.batteryRemainingCapacityLimit, 'feature'), 10],
      [byUsage(fields, HID_USAGE.batteryCapacityMode, 'feature'), 2],
    ]);
    const reading = mapPowerDevice(fields, readerFor(reports));
    expect(reading.supplies).toEqual([
      { id: 'battery', name: 'Battery', kind: 'battery', role: 'consumable', level: { kind: 'percent', percent: 85 }, lowThreshold: 10 },
    ]);
    expect(reading.facts).toEqual({ 'Runtime left': '1 h 02 min', Charging: 'Yes', 'Power source': 'Mains' });
    expect(reading.conditions).toEqual([]);
  });

  it('reports on-battery, low battery and replace-battery the way NUT sets OB, LB and RB', () => {
    const reports = reportsWith(fields, [
      [byUsage(fields, HID_USAGE.batteryRemainingCapacity, 'input'), 7],
      [byUsage(fields, HID_USAGE.batteryDischarging, 'input'), 1],
      [byUsage(fields, HID_USAGE.batteryAcPresent, 'input'), 0],
      [byUsage(fields, HID_USAGE.batteryBelowRemainingCapacityLimit, 'input'), 1],
      [byUsage(fields, HID_USAGE.batteryNeedReplacement, 'input'), 1],
    ]);
    const reading = mapPowerDevice(fields, readerFor(reports));
    expect(reading.conditions.map((condition) => condition.code)).toEqual(['on-battery', 'battery-low', 'battery-replace']);
    expect(classifySupply(reading.supplies[0]!)).toMatchObject({ low: true, empty: false, level: { kind: 'percent', percent: 7 } });
    expect(reading.facts['Power source']).toBe('Battery');
  });

  it('parses the head of an APC Back-UPS ES 850G2 descriptor with a vendor page usage', () => {
    const apc = parsed(APC_BACK_UPS_ES_850G2_HEAD);
    expect(byUsage(apc, HID_USAGE.batteryRemainingCapacity, 'input')).toMatchObject({
      reportId: 12,
      bitOffset: 0,
      bitSize: 8,
      logicalMaximum: 100,
    });
    expect(byUsage(apc, HID_USAGE.batteryRunTimeToEmpty, 'input')).toMatchObject({ reportId: 12, bitOffset: 8, bitSize: 16, unit: 0x1001 });
    expect(apc.some((field) => field.usage === 0xff860060)).toBe(true);
    const reports = reportsWith(apc, [
      [byUsage(apc, HID_USAGE.batteryRemainingCapacity, 'input'), 100],
      [byUsage(apc, HID_USAGE.batteryRunTimeToEmpty, 'input'), 1500],
    ]);
    // No CapacityMode value read, logical maximum 100: percent, as NUT assumes.
    expect(mapPowerDevice(apc, readerFor(reports)).supplies[0]!.level).toEqual({ kind: 'percent', percent: 100 });
  });
});

describe('mapPowerDevice percent rule', () => {
  const capacity = (logicalMaximum: number): HidField => ({
    reportId: 1,
    reportType: 'feature',
    usage: HID_USAGE.batteryRemainingCapacity,
    path: [HID_USAGE.batteryRemainingCapacity],
    bitOffset: 0,
    bitSize: 16,
    logicalMinimum: 0,
    logicalMaximum,
    unitExponent: 0,
    unit: 0,
    signed: false,
    constant: false,
    variable: true,
  });
  const other = (usage: number, bitOffset: number): HidField => ({ ...capacity(65535), usage, path: [usage], bitOffset });

  it('does not call mAh a percentage: unknown without FullChargeCapacity, a ratio with it', () => {
    const fields = [capacity(65535), other(HID_USAGE.batteryCapacityMode, 16)];
    const values = new Map<number, number>([
      [HID_USAGE.batteryRemainingCapacity, 1800],
      [HID_USAGE.batteryCapacityMode, 0],
    ]);
    expect(mapPowerDevice(fields, (field) => values.get(field.usage)).supplies[0]!.level).toEqual({ kind: 'unknown' });
    const withFull = [...fields, other(HID_USAGE.batteryFullChargeCapacity, 32)];
    values.set(HID_USAGE.batteryFullChargeCapacity, 2400);
    expect(mapPowerDevice(withFull, (field) => values.get(field.usage)).supplies[0]!.level).toEqual({ kind: 'percent', percent: 75 });
  });

  it('shows a battery with no readable value as unknown, never 0 %', () => {
    expect(mapPowerDevice([capacity(100)], () => undefined).supplies[0]!.level).toEqual({ kind: 'unknown' });
  });

  it('scales Generic Device Battery Strength over its logical range (Linux hid-input)', () => {
    const strength: HidField = {
      ...capacity(255),
      usage: HID_USAGE.genericDeviceBatteryStrength,
      path: [HID_USAGE.genericDeviceBatteryStrength],
    };
    expect(mapPowerDevice([strength], () => 51).supplies[0]!.level).toEqual({ kind: 'percent', percent: 20 });
  });

  it('never throws and never reports a level outside 0–100 for arbitrary values', () => {
    const fields = [
      capacity(100),
      other(HID_USAGE.batteryCapacityMode, 16),
      other(HID_USAGE.batteryFullChargeCapacity, 32),
      other(HID_USAGE.batteryRemainingCapacityLimit, 48),
    ];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.integer(), fc.constant(undefined)), { minLength: 4, maxLength: 4 }), (numbers) => {
        const reading = mapPowerDevice(fields, (field) => numbers[fields.indexOf(field)]);
        const supply = reading.supplies[0]!;
        const level = supply.level;
        return (
          (level.kind !== 'percent' || (level.percent >= 0 && level.percent <= 100)) &&
          supply.lowThreshold >= 0 &&
          supply.lowThreshold <= 100
        );
      }),
      { numRuns: RUNS },
    );
  });
});

// --- generated descriptors: build from a field list, parse back ---

interface GroupSpec {
  reportType: HidField['reportType'];
  reportId: number;
  usagePage: number;
  usageIds: number[];
  range: boolean;
  bitSize: number;
  count: number;
  signed: boolean;
  bound: [number, number];
  unitExponent: number;
  unit: number;
  constant: boolean;
}

const groupArbitrary = fc
  .record({
    reportType: fc.constantFrom<HidField['reportType']>('input', 'output', 'feature'),
    reportId: fc.integer({ min: 1, max: 4 }),
    usagePage: fc.integer({ min: 1, max: 0xffff }),
    firstUsage: fc.integer({ min: 1, max: 0xfff0 }),
    usageCount: fc.integer({ min: 1, max: 4 }),
    range: fc.boolean(),
    bitSize: fc.integer({ min: 1, max: 32 }),
    count: fc.integer({ min: 1, max: 4 }),
    signed: fc.boolean(),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
    unitExponent: fc.integer({ min: -8, max: 7 }),
    unit: fc.oneof(fc.constant(0), fc.constant(0x1001), fc.constant(0x00f0d121), fc.integer({ min: 0, max: 0xffff })),
    constant: fc.boolean(),
  })
  .map((spec): GroupSpec => {
    const signed = spec.signed && spec.bitSize > 1;
    const lowest = signed ? -(2 ** (spec.bitSize - 1)) : 0;
    const highest = signed ? 2 ** (spec.bitSize - 1) - 1 : 2 ** spec.bitSize - 1;
    const pick = (share: number): number => Math.floor(lowest + share * (highest - lowest));
    let minimum = Math.min(pick(spec.a), pick(spec.b));
    const maximum = Math.max(pick(spec.a), pick(spec.b));
    // A logical minimum is always signed in HID, so an unsigned field's minimum stays below 2^31.
    minimum = signed ? Math.min(minimum, -1) : Math.min(minimum, 2 ** 31 - 1);
    const usageIds = Array.from({ length: spec.usageCount }, (_, index) => spec.firstUsage + index);
    return { ...spec, signed, usageIds, bound: [minimum, Math.max(maximum, 0)], range: spec.range && spec.usageCount > 1 };
  });

function buildDescriptor(groups: GroupSpec[], withIds: boolean): { bytes: Uint8Array; expected: HidField[] } {
  const bytes: number[] = [
    ...hidItem('global', HID_GLOBAL.usagePage, 0x84),
    ...hidItem('local', HID_LOCAL.usage, 0x04),
    ...hidItem('main', HID_MAIN.collection, 0x01),
  ];
  const expected: HidField[] = [];
  const offsets = new Map<string, number>();
  const applicationUsage = 0x840004;
  for (const group of groups) {
    const reportId = withIds ? group.reportId : 0;
    if (withIds) bytes.push(...hidItem('global', HID_GLOBAL.reportId, reportId));
    bytes.push(...hidItem('global', HID_GLOBAL.usagePage, group.usagePage));
    bytes.push(...hidItem('global', HID_GLOBAL.logicalMinimum, group.bound[0], { signed: true }));
    // Linux's rule: the maximum is read signed only when the minimum is negative.
    bytes.push(...hidItem('global', HID_GLOBAL.logicalMaximum, group.bound[1], { signed: group.bound[0] < 0 }));
    bytes.push(...hidItem('global', HID_GLOBAL.unitExponent, group.unitExponent & 0x0f, { size: 1 }));
    bytes.push(...hidItem('global', HID_GLOBAL.unit, group.unit));
    bytes.push(...hidItem('global', HID_GLOBAL.reportSize, group.bitSize));
    bytes.push(...hidItem('global', HID_GLOBAL.reportCount, group.count));
    if (group.range) {
      bytes.push(
        ...hidItem('local', HID_LOCAL.usageMinimum, group.usageIds[0]!),
        ...hidItem('local', HID_LOCAL.usageMaximum, group.usageIds.at(-1)!),
      );
    } else {
      for (const id of group.usageIds) bytes.push(...hidItem('local', HID_LOCAL.usage, id));
    }
    const flags = HID_FLAGS.variable | (group.constant ? HID_FLAGS.constant : 0);
    bytes.push(...hidItem('main', HID_MAIN[group.reportType], flags, { size: 1 }));
    const key = `${group.reportType}:${reportId}`;
    let offset = offsets.get(key) ?? 0;
    for (let index = 0; index < group.count; index += 1) {
      const usage = ((group.usagePage << 16) | group.usageIds[Math.min(index, group.usageIds.length - 1)]!) >>> 0;
      expected.push({
        reportId,
        reportType: group.reportType,
        usage,
        path: [applicationUsage, usage],
        bitOffset: offset,
        bitSize: group.bitSize,
        logicalMinimum: group.bound[0],
        logicalMaximum: group.bound[1],
        unitExponent: group.unitExponent,
        unit: group.unit,
        signed: group.bound[0] < 0,
        constant: group.constant,
        variable: true,
      });
      offset += group.bitSize;
    }
    offsets.set(key, offset);
  }
  bytes.push(...hidItem('main', HID_MAIN.endCollection, 0));
  return { bytes: new Uint8Array(bytes), expected };
}

const descriptorArbitrary = fc
  .tuple(fc.array(groupArbitrary, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([groups, withIds]) => buildDescriptor(groups, withIds));

describe('HID descriptor and report properties', () => {
  it('parses a descriptor generated from a field list back to that field list', () => {
    fc.assert(
      fc.property(descriptorArbitrary, ({ bytes, expected }) => {
        const result = parseReportDescriptor(bytes);
        return result.ok && isDeepStrictEqual(result.value, expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back every value written into a report, with the unit exponent applied', () => {
    fc.assert(
      fc.property(descriptorArbitrary, fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), ({ expected }, shares) => {
        const values = expected.map((field) => {
          const share = shares.next().value as number;
          return Math.round(field.logicalMinimum + share * (field.logicalMaximum - field.logicalMinimum));
        });
        const reports = new Map<string, Uint8Array>();
        expected.forEach((field, index) => {
          const key = `${field.reportType}:${field.reportId}`;
          const report =
            reports.get(key) ??
            new Uint8Array(
              reportLength(
                expected.filter((candidate) => candidate.reportType === field.reportType),
                field.reportId,
              ),
            );
          reports.set(key, report);
          writeField(report, field, values[index]!);
        });
        return expected.every((field, index) => {
          const result = readField(reports.get(`${field.reportType}:${field.reportId}`)!, field);
          return result.ok && result.value === applyExponent(values[index]!, field.unitExponent);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary descriptor bytes, and fields stay within the bounds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const result = parseReportDescriptor(bytes);
        if (!result.ok) return result.unreadable.length > 0;
        return result.value.every((field) => field.bitSize <= 256 && field.bitOffset + field.bitSize <= 16_384 * 8);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws reading arbitrary reports', () => {
    const fields = parsed(ARDUINO_UPS_DESCRIPTOR);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.nat(fields.length - 1), (report, index) => {
        const result = readField(report, fields[index]!);
        return result.ok ? Number.isFinite(result.value) : result.unreadable.length > 0;
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseReportDescriptor rejects broken descriptors with a reason', () => {
  it.each([
    ['an item cut off', [0x05, 0x84, 0x26, 0xff], 'ends inside'],
    ['Pop without Push', [0xb4], 'Pop without'],
    ['report id 0', [0x85, 0x00], 'Report ID 0'],
    ['a huge report count', [0x75, 0x08, 0x97, 0xff, 0xff, 0xff, 0x7f, 0x81, 0x02], 'Report Count'],
    ['an empty descriptor', [], 'empty'],
  ])('%s', (_name, bytes, reason) => {
    expect(parseReportDescriptor(new Uint8Array(bytes))).toEqual({ ok: false, unreadable: expect.stringContaining(reason) });
  });

  it('skips long items and honours Push/Pop', () => {
    const bytes = new Uint8Array([
      0xfe,
      0x02,
      0x10,
      0xaa,
      0xbb, // long item, skipped
      0x05,
      0x85,
      0x15,
      0x00,
      0x25,
      0x64,
      0x75,
      0x08,
      0x95,
      0x01,
      0xa4,
      0x75,
      0x10,
      0x09,
      0x68,
      0x81,
      0x02,
      0xb4, // pushed: 16-bit RunTimeToEmpty, then back to 8 bits
      0x09,
      0x66,
      0x81,
      0x02,
    ]);
    expect(parsed(bytes).map((field) => [field.usage, field.bitOffset, field.bitSize])).toEqual([
      [HID_USAGE.batteryRunTimeToEmpty, 0, 16],
      [HID_USAGE.batteryRemainingCapacity, 16, 8],
    ]);
  });

  it('treats a value outside the logical range as no value, not a number', () => {
    const [field] = parsed(new Uint8Array([0x05, 0x85, 0x15, 0x00, 0x25, 0x64, 0x75, 0x08, 0x95, 0x01, 0x09, 0x66, 0x81, 0x42]));
    expect(readField(new Uint8Array([0xff]), field!)).toEqual({
      ok: false,
      unreadable: expect.stringContaining('outside the logical range'),
    });
    expect(readField(new Uint8Array([0x37]), field!)).toEqual({ ok: true, value: 55 });
  });
});
