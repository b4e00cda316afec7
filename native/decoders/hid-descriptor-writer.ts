/** HID short item kinds (HID 1.11 §6.2.2.2 bType). */
export type HidItemType = 'main' | 'global' | 'local';

const TYPE_BITS: Record<HidItemType, number> = { main: 0, global: 1, local: 2 };

/**
 * Encodes one short item with the fewest data bytes that keep its value: signed when `signed`
 * (logical/physical minimum, exponent bytes), else unsigned. Simulated devices and tests use it
 * to build report descriptors; it is the inverse of what parseReportDescriptor reads.
 */
export function hidItem(type: HidItemType, tag: number, value: number, options: { signed?: boolean; size?: 0 | 1 | 2 | 4 } = {}): number[] {
  const size = options.size ?? smallestSize(value, options.signed ?? false);
  const sizeCode = size === 4 ? 3 : size;
  const prefix = ((tag & 0x0f) << 4) | (TYPE_BITS[type] << 2) | sizeCode;
  const raw = value < 0 ? value + 2 ** (8 * Math.max(size, 1)) : value;
  const bytes = [prefix];
  for (let index = 0; index < size; index += 1) bytes.push(Math.floor(raw / 2 ** (8 * index)) & 0xff);
  return bytes;
}

function smallestSize(value: number, signed: boolean): 0 | 1 | 2 | 4 {
  if (value === 0 && !signed) return 0;
  for (const size of [1, 2] as const) {
    const fits = signed ? value >= -(2 ** (8 * size - 1)) && value < 2 ** (8 * size - 1) : value >= 0 && value < 2 ** (8 * size);
    if (fits) return size;
  }
  return 4;
}

/** Main item tags. */
export const HID_MAIN = { input: 8, output: 9, collection: 10, feature: 11, endCollection: 12 } as const;
/** Global item tags. */
export const HID_GLOBAL = {
  usagePage: 0,
  logicalMinimum: 1,
  logicalMaximum: 2,
  physicalMinimum: 3,
  physicalMaximum: 4,
  unitExponent: 5,
  unit: 6,
  reportSize: 7,
  reportId: 8,
  reportCount: 9,
  push: 10,
  pop: 11,
} as const;
/** Local item tags. */
export const HID_LOCAL = { usage: 0, usageMinimum: 1, usageMaximum: 2 } as const;
/** Main item data bits. */
export const HID_FLAGS = { constant: 0x01, variable: 0x02 } as const;
