import { decoded, unreadable, type Decoded } from './decoded.js';

/** One value in one report, with everything needed to read it and to know what it means. */
export interface HidField {
  reportId: number;
  reportType: 'input' | 'output' | 'feature';
  /** 32-bit usage: page << 16 | id. */
  usage: number;
  /** Enclosing collection usages, outermost first, then the usage; 32-bit each (NUT's `UPS.PowerSummary.RemainingCapacity`). */
  path: number[];
  /** Bit offset in the report after the report-id byte. */
  bitOffset: number;
  bitSize: number;
  logicalMinimum: number;
  logicalMaximum: number;
  physicalMinimum?: number;
  physicalMaximum?: number;
  unitExponent: number;
  unit: number;
  /** Values are two's complement when the logical minimum is below zero. */
  signed: boolean;
  constant: boolean;
  /** False for array items: their values are usage selectors, not quantities. */
  variable: boolean;
}

// Bounds, so a hostile or broken descriptor cannot make us allocate without limit. The report size
// and count limits are Linux hid-core's (drivers/hid/hid-core.c: report_size > 256, HID_MAX_USAGES
// 12288, HID_MAX_BUFFER_SIZE 16384 bytes per report).
const MAX_DESCRIPTOR_BYTES = 64 * 1024;
const MAX_REPORT_SIZE_BITS = 256;
const MAX_REPORT_COUNT = 12_288;
const MAX_REPORT_BITS = 16_384 * 8;
const MAX_FIELDS = 65_536;
const MAX_PUSH_DEPTH = 32;
const MAX_COLLECTION_DEPTH = 64;
const MAX_USAGES_PER_ITEM = 12_288;

interface GlobalState {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  physicalMinimum: number | undefined;
  physicalMaximum: number | undefined;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

function initialGlobals(): GlobalState {
  return {
    usagePage: 0,
    logicalMinimum: 0,
    logicalMaximum: 0,
    physicalMinimum: undefined,
    physicalMaximum: undefined,
    unitExponent: 0,
    unit: 0,
    reportSize: 0,
    reportId: 0,
    reportCount: 0,
  };
}

const REPORT_TYPES = { 8: 'input', 9: 'output', 11: 'feature' } as const;

/**
 * Parses a HID report descriptor (HID 1.11 §6.2.2) into the list of fields it declares:
 * short items with global/local state, Push/Pop, usage ranges, report count > 1 expanded into one
 * field per value, long items skipped. Usages given with 1–2 bytes take the usage page current at
 * that item (spec order); 4-byte usages carry their own page. Unreadable when an item is cut off,
 * Pop has no Push, a report id is 0, or a bound is exceeded.
 */
export function parseReportDescriptor(bytes: Uint8Array): Decoded<HidField[]> {
  if (bytes.length === 0) return unreadable('HID report descriptor is empty');
  if (bytes.length > MAX_DESCRIPTOR_BYTES)
    return unreadable(`HID report descriptor is ${bytes.length} bytes; more than ${MAX_DESCRIPTOR_BYTES} is not a real device`);

  const fields: HidField[] = [];
  let globals = initialGlobals();
  const globalStack: GlobalState[] = [];
  const collections: number[] = [];
  let usages: number[] = [];
  let usageMinimum: number | undefined;
  const offsets = new Map<string, number>();

  const resetLocals = (): void => {
    usages = [];
    usageMinimum = undefined;
  };

  let position = 0;
  while (position < bytes.length) {
    const prefix = bytes[position]!;
    if (prefix === 0xfe) {
      // Long item: bDataSize, bLongItemTag, data. No long item tags are defined, so skip it.
      if (position + 2 >= bytes.length) return unreadable(`HID descriptor ends inside a long item at byte ${position}`);
      const size = bytes[position + 1]!;
      position += 3 + size;
      if (position > bytes.length) return unreadable(`HID descriptor ends inside a long item's ${size} data bytes`);
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    if (position + 1 + size > bytes.length) {
      return unreadable(
        `HID descriptor ends inside the item at byte ${position} (0x${prefix.toString(16).padStart(2, '0')} needs ${size} data bytes)`,
      );
    }
    let unsignedData = 0;
    for (let index = 0; index < size; index += 1) unsignedData += bytes[position + 1 + index]! * 2 ** (8 * index);
    const signedData = size === 0 ? 0 : unsignedData >= 2 ** (8 * size - 1) ? unsignedData - 2 ** (8 * size) : unsignedData;
    const itemAt = position;
    position += 1 + size;

    if (type === 0) {
      // Main items.
      const reportType = REPORT_TYPES[tag as keyof typeof REPORT_TYPES];
      if (reportType) {
        const { reportSize, reportCount, reportId } = globals;
        if (reportSize > MAX_REPORT_SIZE_BITS)
          return unreadable(`Report Size ${reportSize} at byte ${itemAt} exceeds ${MAX_REPORT_SIZE_BITS} bits`);
        if (reportCount > MAX_REPORT_COUNT) return unreadable(`Report Count ${reportCount} at byte ${itemAt} exceeds ${MAX_REPORT_COUNT}`);
        const key = `${reportType}:${reportId}`;
        let offset = offsets.get(key) ?? 0;
        if (offset + reportSize * reportCount > MAX_REPORT_BITS) {
          return unreadable(`${reportType} report ${reportId} grows beyond ${MAX_REPORT_BITS / 8} bytes at byte ${itemAt}`);
        }
        if (fields.length + reportCount > MAX_FIELDS) return unreadable(`HID descriptor declares more than ${MAX_FIELDS} fields`);
        const constant = (unsignedData & 0x01) !== 0;
        const variable = (unsignedData & 0x02) !== 0;
        const hasPhysical =
          globals.physicalMinimum !== undefined &&
          globals.physicalMaximum !== undefined &&
          !(globals.physicalMinimum === 0 && globals.physicalMaximum === 0);
        for (let index = 0; index < reportCount && reportSize > 0; index += 1) {
          // A variable item takes one usage per value, repeating the last (HID 1.11 §6.2.2.8);
          // an array item's values select among its usages, so its fields carry the first.
          const usage = usages.length === 0 ? 0 : variable ? usages[Math.min(index, usages.length - 1)]! : usages[0]!;
          const field: HidField = {
            reportId,
            reportType,
            usage,
            path: [...collections, usage],
            bitOffset: offset,
            bitSize: reportSize,
            logicalMinimum: globals.logicalMinimum,
            logicalMaximum: globals.logicalMaximum,
            unitExponent: globals.unitExponent,
            unit: globals.unit,
            signed: globals.logicalMinimum < 0,
            constant,
            variable,
          };
          if (hasPhysical) {
            field.physicalMinimum = globals.physicalMinimum!;
            field.physicalMaximum = globals.physicalMaximum!;
          }
          fields.push(field);
          offset += reportSize;
        }
        offsets.set(key, offset);
      } else if (tag === 10) {
        if (collections.length >= MAX_COLLECTION_DEPTH)
          return unreadable(`Collections nest deeper than ${MAX_COLLECTION_DEPTH} at byte ${itemAt}`);
        collections.push(usages[0] ?? 0);
      } else if (tag === 12) {
        // An End Collection without a Collection is ignored: Linux warns and carries on too.
        collections.pop();
      }
      resetLocals();
    } else if (type === 1) {
      switch (tag) {
        case 0:
          globals.usagePage = unsignedData & 0xffff;
          break;
        case 1:
          globals.logicalMinimum = signedData;
          break;
        case 2:
          // Linux hid-core: the maximum is signed only when the minimum is negative, because many
          // devices write `25 FF` meaning 255 rather than −1.
          globals.logicalMaximum = globals.logicalMinimum < 0 ? signedData : unsignedData;
          break;
        case 3:
          globals.physicalMinimum = signedData;
          break;
        case 4:
          globals.physicalMaximum = (globals.physicalMinimum ?? 0) < 0 ? signedData : unsignedData;
          break;
        case 5:
          // HID 1.11 gives the exponent as a 4-bit two's complement nibble; some devices send a
          // whole signed byte instead. Like Linux hid-core, a value that fits a nibble is a nibble.
          globals.unitExponent = (unsignedData & ~0x0f) === 0 ? (unsignedData >= 8 ? unsignedData - 16 : unsignedData) : signedData;
          break;
        case 6:
          globals.unit = unsignedData;
          break;
        case 7:
          globals.reportSize = unsignedData;
          break;
        case 8:
          if (unsignedData === 0 || unsignedData > 255)
            return unreadable(`Report ID ${unsignedData} at byte ${itemAt}: report ids run from 1 to 255`);
          globals.reportId = unsignedData;
          break;
        case 9:
          globals.reportCount = unsignedData;
          break;
        case 10:
          if (globalStack.length >= MAX_PUSH_DEPTH) return unreadable(`Push nests deeper than ${MAX_PUSH_DEPTH} at byte ${itemAt}`);
          globalStack.push({ ...globals });
          break;
        case 11: {
          const popped = globalStack.pop();
          if (!popped) return unreadable(`Pop without a matching Push at byte ${itemAt}`);
          globals = popped;
          break;
        }
        default:
          break;
      }
    } else if (type === 2) {
      const fullUsage = (value: number): number => (size === 4 ? value : ((globals.usagePage << 16) | (value & 0xffff)) >>> 0);
      switch (tag) {
        case 0:
          if (usages.length < MAX_USAGES_PER_ITEM) usages.push(fullUsage(unsignedData));
          break;
        case 1:
          usageMinimum = fullUsage(unsignedData);
          break;
        case 2: {
          const maximum = fullUsage(unsignedData);
          if (usageMinimum !== undefined && maximum >= usageMinimum) {
            for (let usage = usageMinimum; usage <= maximum && usages.length < MAX_USAGES_PER_ITEM; usage += 1) usages.push(usage);
          }
          usageMinimum = undefined;
          break;
        }
        default:
          // Designators, strings and delimiters do not change where values are or what they mean.
          break;
      }
    }
    // Type 3 short items are reserved: skipped.
  }
  return decoded(fields);
}
