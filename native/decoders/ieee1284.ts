import { bytesToText, decoded, hexPreview, unreadable, type Decoded } from './decoded.js';

/**
 * An IEEE 1284 Device ID, as sent by GET_DEVICE_ID (USB printer class), `printer-device-id` (IPP)
 * or a parallel port. Every field is optional because real devices leave keys out.
 */
export interface Ieee1284Id {
  manufacturer?: string;
  model?: string;
  commandSet: string[];
  serial?: string;
  description?: string;
  deviceClass?: string;
  /** Every `KEY:value` pair, keys upper-cased and trimmed; when a key repeats, the first value wins; among a key's long and short spellings, the one first in the string wins. */
  fields: Record<string, string>;
  /** The reply was shorter than its length prefix said; an unterminated last pair was dropped. */
  truncated?: boolean;
}

/**
 * Long and short spellings of the keys we read (cups `backend/ieee1284.c`; `SERN` from
 * `backend/usb-darwin.c`, which adds it from the USB serial; `SERIALNUMBER` seen on Epson and Canon).
 */
export const IEEE1284_KEY_ALIASES = {
  manufacturer: ['MFG', 'MANUFACTURER'],
  model: ['MDL', 'MODEL'],
  commandSet: ['CMD', 'COMMAND SET'],
  deviceClass: ['CLS', 'CLASS'],
  description: ['DES', 'DESCRIPTION'],
  serial: ['SN', 'SERN', 'SERIALNUMBER'],
} as const;

/** The 1284 ID is at most 65535 bytes (2-byte length); anything longer is not a device ID. */
const MAX_ID_CHARS = 65_535;

/**
 * Parses `KEY:value;KEY:value;…` leniently and totally: any key case, long and short key forms,
 * duplicated keys (first wins), missing keys, stray NULs (dropped: some devices pad or embed them),
 * a missing final `;`, and whitespace around keys and values.
 */
export function parseDeviceIdString(text: string): Ieee1284Id {
  const clean = text.slice(0, MAX_ID_CHARS).replace(/\0/g, '');
  const fields: Record<string, string> = {};
  for (const pair of clean.split(';')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) continue;
    const key = pair.slice(0, colon).trim().toUpperCase();
    if (key === '' || Object.hasOwn(fields, key)) continue;
    fields[key] = pair.slice(colon + 1).trim();
  }
  return idFromFields(fields);
}

function idFromFields(fields: Record<string, string>): Ieee1284Id {
  // Among a key's spellings the one that comes first in the string wins, like a repeated key.
  const order = Object.keys(fields);
  const pick = (aliases: readonly string[]): string | undefined => {
    const key = order.find((candidate) => (aliases as readonly string[]).includes(candidate) && fields[candidate] !== '');
    return key === undefined ? undefined : fields[key];
  };
  const id: Ieee1284Id = { commandSet: [], fields };
  const manufacturer = pick(IEEE1284_KEY_ALIASES.manufacturer);
  const model = pick(IEEE1284_KEY_ALIASES.model);
  const commands = pick(IEEE1284_KEY_ALIASES.commandSet);
  const deviceClass = pick(IEEE1284_KEY_ALIASES.deviceClass);
  const description = pick(IEEE1284_KEY_ALIASES.description);
  const serial = pick(IEEE1284_KEY_ALIASES.serial);
  if (manufacturer !== undefined) id.manufacturer = manufacturer;
  if (model !== undefined) id.model = model;
  if (commands !== undefined)
    id.commandSet = commands
      .split(',')
      .map((command) => command.trim())
      .filter((command) => command !== '');
  if (deviceClass !== undefined) id.deviceClass = deviceClass;
  if (description !== undefined) id.description = description;
  if (serial !== undefined) id.serial = serial;
  return id;
}

/** The shortest meaningful ID, `MFG:x;MDL:y;`, is 12 bytes plus the 2-byte prefix: CUPS's sanity floor. */
const MIN_DECLARED_LENGTH = 14;

/**
 * Decodes a GET_DEVICE_ID reply. The first 2 bytes are the length *including* themselves, MSB
 * first. Rules, each from a real device family:
 * - Some vendors send the length LSB first; like CUPS (`backend/usb-libusb.c` `get_device_id`)
 *   the other byte order is tried when the big-endian value is below 14 or beyond the reply.
 * - Linux 6.1's f_printer gadget put strlen in the prefix (2 short): when the reply goes on past
 *   the declared end with non-NUL bytes, they are kept.
 * - A length that exceeds the reply in both byte orders means a cut-off transfer: what arrived is
 *   parsed, an unterminated last pair is dropped (it may be a half value), and `truncated` is set.
 * - A length that makes no sense either way is ignored and the reply is read up to its end.
 * Unreadable only when there is no `KEY:value` pair at all.
 */
export function parseDeviceIdPayload(bytes: Uint8Array): Decoded<Ieee1284Id> {
  const length = bytes.length;
  if (length < 2) {
    return unreadable(`GET_DEVICE_ID reply has ${length} byte(s); a 2-byte length and the ID string were expected`);
  }
  const bigEndian = (bytes[0]! << 8) | bytes[1]!;
  const littleEndian = (bytes[1]! << 8) | bytes[0]!;
  const fits = (declared: number): boolean => declared >= MIN_DECLARED_LENGTH && declared <= length;

  let end = length;
  let truncated = false;
  if (fits(bigEndian) || fits(littleEndian)) {
    end = fits(bigEndian) ? bigEndian : littleEndian;
    while (end < length && bytes[end] !== 0) end += 1;
  } else if (Math.min(bigEndian, littleEndian) > length) {
    truncated = true;
  }

  let text = bytesToText(bytes.subarray(2, end)).replace(/\0+$/, '');
  if (truncated && !text.endsWith(';')) {
    const lastSeparator = text.lastIndexOf(';');
    text = lastSeparator >= 0 ? text.slice(0, lastSeparator + 1) : '';
  }
  const id = parseDeviceIdString(text);
  if (Object.keys(id.fields).length === 0) {
    const cut = truncated ? `, cut off before its declared ${bigEndian} bytes` : '';
    return unreadable(`GET_DEVICE_ID reply holds no KEY:value pairs (${length} bytes${cut}: ${hexPreview(bytes)})`);
  }
  if (truncated) id.truncated = true;
  return decoded(id);
}

/** Builds a GET_DEVICE_ID style payload (big-endian length including itself) for a 1284 string; used by simulated devices and tests. */
export function encodeDeviceIdPayload(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const total = Math.min(body.length + 2, 0xffff);
  const out = new Uint8Array(total);
  out[0] = total >> 8;
  out[1] = total & 0xff;
  out.set(body.subarray(0, total - 2), 2);
  return out;
}
