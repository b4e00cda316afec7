import { decoded, unreadable, type Decoded } from './decoded.js';
import type { HidField } from './hid-descriptor.js';

/** Widest field read as a number: 32 bits keeps every value exact in a double. */
export const MAX_READABLE_BITS = 32;

/**
 * Reads one field from a report as sent by the device: `report[0]` is the report id when the
 * field's reportId is not 0. Bits are little-endian, LSB first (HID 1.11 §8.4), at any offset and
 * size up to 32; two's complement when the logical minimum is negative. A value outside the
 * logical range is the device's "no value" (HID 1.11 Null State), so it is unreadable, never a
 * number. The unit exponent is applied (value × 10^exponent); physical ranges are left to callers.
 */
export function readField(report: Uint8Array, field: HidField): Decoded<number> {
  const { bitOffset, bitSize, reportId } = field;
  if (bitSize <= 0 || bitSize > MAX_READABLE_BITS)
    return unreadable(`field is ${bitSize} bits wide; 1 to ${MAX_READABLE_BITS} can be read as a number`);
  if (!Number.isInteger(bitOffset) || bitOffset < 0) return unreadable(`field has an invalid bit offset ${bitOffset}`);
  let start = 0;
  if (reportId !== 0) {
    if (report.length === 0) return unreadable(`report ${reportId} is empty`);
    if (report[0] !== reportId) return unreadable(`expected report ${reportId}, got report ${report[0]}`);
    start = 1;
  }
  const needed = start + Math.ceil((bitOffset + bitSize) / 8);
  if (report.length < needed) return unreadable(`report ${reportId} has ${report.length} bytes; the field needs ${needed}`);

  let raw = 0;
  for (let bit = 0; bit < bitSize; bit += 1) {
    const absolute = bitOffset + bit;
    const byte = report[start + (absolute >> 3)]!;
    if ((byte >> (absolute & 7)) & 1) raw += 2 ** bit;
  }
  const value = field.signed && raw >= 2 ** (bitSize - 1) ? raw - 2 ** bitSize : raw;
  if (field.logicalMinimum > field.logicalMaximum) {
    return unreadable(`descriptor gives logical minimum ${field.logicalMinimum} above maximum ${field.logicalMaximum}`);
  }
  if (value < field.logicalMinimum || value > field.logicalMaximum) {
    return unreadable(
      `value ${value} is outside the logical range ${field.logicalMinimum}…${field.logicalMaximum} (the device has no value to report)`,
    );
  }
  return decoded(applyExponent(value, field.unitExponent));
}

/** value × 10^exponent, dividing for negative exponents so 235 × 10^−1 is exactly 23.5. */
export function applyExponent(value: number, exponent: number): number {
  if (exponent === 0) return value;
  return exponent > 0 ? value * 10 ** exponent : value / 10 ** -exponent;
}

/** Writes a raw (logical) value into a report buffer at the field's place; the inverse of readField before the exponent. */
export function writeField(report: Uint8Array, field: HidField, value: number): void {
  const start = field.reportId !== 0 ? 1 : 0;
  if (field.reportId !== 0) report[0] = field.reportId;
  const raw = value < 0 ? value + 2 ** field.bitSize : value;
  for (let bit = 0; bit < field.bitSize; bit += 1) {
    const absolute = field.bitOffset + bit;
    const index = start + (absolute >> 3);
    const mask = 1 << (absolute & 7);
    if (Math.floor(raw / 2 ** bit) % 2 === 1) report[index] = report[index]! | mask;
    else report[index] = report[index]! & ~mask;
  }
}

/** Bytes a report needs to hold every given field of one report id (including the id byte). */
export function reportLength(fields: readonly HidField[], reportId: number): number {
  let bits = 0;
  for (const field of fields) if (field.reportId === reportId) bits = Math.max(bits, field.bitOffset + field.bitSize);
  return (reportId !== 0 ? 1 : 0) + Math.ceil(bits / 8);
}
