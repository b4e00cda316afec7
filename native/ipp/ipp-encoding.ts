import type { IppAttributes, IppValue } from '../decoders/ipp-supplies.js';

// The IPP binary encoding, RFC 8010 §3: version, operation-id or status-code, request-id, then
// attribute groups (a delimiter tag, then attributes), end-of-attributes, then document data.

/** Delimiter tags (RFC 8010 §3.5.1). */
export const IPP_GROUP = {
  operation: 0x01,
  job: 0x02,
  end: 0x03,
  printer: 0x04,
  unsupported: 0x05,
} as const;

/** Value tags used here (RFC 8010 §3.5.2). */
export const IPP_TAG = {
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  text: 0x41,
  name: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
  extension: 0x7f,
} as const;

/** Operation ids (RFC 8011 §5.4.15). */
export const IPP_OPERATION = { getPrinterAttributes: 0x000b } as const;

/** One attribute to encode: its value tag and values. */
export interface IppOutAttribute {
  name: string;
  tag: number;
  values: ReadonlyArray<string | number | boolean>;
}

/** A decoded IPP message. */
export interface IppMessage {
  version: [number, number];
  /** operation-id in requests, status-code in responses. */
  code: number;
  requestId: number;
  groups: Array<{ tag: number; attributes: Record<string, IppValue[]> }>;
  data: Uint8Array;
}

/** Limits that keep a hostile reply from costing unbounded work. */
const MAX_ATTRIBUTES = 10_000;
const MAX_COLLECTION_DEPTH = 16;

class Writer {
  private chunks: number[] = [];
  byte(value: number): void {
    this.chunks.push(value & 0xff);
  }
  short(value: number): void {
    this.byte(value >> 8);
    this.byte(value);
  }
  int(value: number): void {
    const unsigned = value >>> 0;
    this.short(unsigned >>> 16);
    this.short(unsigned & 0xffff);
  }
  bytes(values: Uint8Array): void {
    for (const value of values) this.chunks.push(value);
  }
  result(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const encoder = new TextEncoder();

function encodeValue(tag: number, value: string | number | boolean): Uint8Array {
  if (tag === IPP_TAG.integer || tag === IPP_TAG.enum) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setInt32(0, Number(value));
    return bytes;
  }
  if (tag === IPP_TAG.boolean) return Uint8Array.of(value ? 1 : 0);
  if (tag === IPP_TAG.noValue || tag === IPP_TAG.unknown || tag === IPP_TAG.unsupported) return new Uint8Array();
  return encoder.encode(String(value));
}

/** Encodes an IPP message; groups are written in order, values after the first with an empty name. */
export function encodeIppMessage(message: {
  version?: [number, number];
  code: number;
  requestId: number;
  groups: ReadonlyArray<{ tag: number; attributes: readonly IppOutAttribute[] }>;
  data?: Uint8Array;
}): Uint8Array {
  const writer = new Writer();
  const [major, minor] = message.version ?? [1, 1];
  writer.byte(major);
  writer.byte(minor);
  writer.short(message.code);
  writer.int(message.requestId);
  for (const group of message.groups) {
    writer.byte(group.tag);
    for (const attribute of group.attributes) {
      const name = encoder.encode(attribute.name);
      const values = attribute.values.length === 0 ? [''] : attribute.values;
      values.forEach((value, index) => {
        const encoded = encodeValue(attribute.tag, value);
        writer.byte(attribute.tag);
        if (index === 0) {
          writer.short(name.length);
          writer.bytes(name);
        } else writer.short(0);
        writer.short(encoded.length);
        writer.bytes(encoded);
      });
    }
  }
  writer.byte(IPP_GROUP.end);
  if (message.data) writer.bytes(message.data);
  return writer.result();
}

/** Builds a Get-Printer-Attributes request (RFC 8011 §4.2.5) in IPP/1.1, which every IPP printer must accept. */
export function encodeGetPrinterAttributes(printerUri: string, requestedAttributes: readonly string[], requestId: number): Uint8Array {
  return encodeIppMessage({
    version: [1, 1],
    code: IPP_OPERATION.getPrinterAttributes,
    requestId,
    groups: [
      {
        tag: IPP_GROUP.operation,
        attributes: [
          { name: 'attributes-charset', tag: IPP_TAG.charset, values: ['utf-8'] },
          { name: 'attributes-natural-language', tag: IPP_TAG.naturalLanguage, values: ['en'] },
          { name: 'printer-uri', tag: IPP_TAG.uri, values: [printerUri] },
          { name: 'requesting-user-name', tag: IPP_TAG.name, values: ['trayside'] },
          ...(requestedAttributes.length > 0 ? [{ name: 'requested-attributes', tag: IPP_TAG.keyword, values: requestedAttributes }] : []),
        ],
      },
    ],
  });
}

/** A reply that is not IPP, or breaks the encoding; the message says where. */
export class IppDecodeError extends Error {
  override readonly name = 'IppDecodeError';
}

const decoder = new TextDecoder('utf-8');

/**
 * Decodes an IPP message. Strict about structure (every length must fit), lenient about values: an
 * integer with the wrong length or an unknown tag becomes its raw bytes, never a throw from deeper code.
 */
export function decodeIppMessage(bytes: Uint8Array): IppMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let position = 0;
  const need = (count: number, what: string): void => {
    if (position + count > bytes.length)
      throw new IppDecodeError(`IPP reply ends inside ${what} at byte ${position} (${bytes.length} bytes in all)`);
  };
  need(8, 'the header');
  const version: [number, number] = [bytes[0]!, bytes[1]!];
  const code = view.getUint16(2);
  const requestId = view.getUint32(4);
  position = 8;
  const groups: IppMessage['groups'] = [];
  let current: Record<string, IppValue[]> | undefined;
  let lastName: string | undefined;
  let count = 0;

  // Collection parsing state: a stack of the collections being filled and their pending member name.
  const stack: Array<{ into: Record<string, IppValue[]>; name: string; members: Record<string, IppValue[]>; member: string | undefined }> =
    [];

  for (;;) {
    need(1, 'a tag');
    const tag = bytes[position]!;
    if (tag === IPP_GROUP.end) {
      position += 1;
      break;
    }
    if (tag < 0x10) {
      position += 1;
      if (stack.length > 0) throw new IppDecodeError(`IPP group tag 0x${tag.toString(16)} inside a collection at byte ${position - 1}`);
      current = {};
      groups.push({ tag, attributes: current });
      lastName = undefined;
      continue;
    }
    let valueTag = tag;
    position += 1;
    if (valueTag === IPP_TAG.extension) {
      need(4, 'an extension tag');
      valueTag = view.getUint32(position);
      position += 4;
    }
    need(2, 'a name length');
    const nameLength = view.getUint16(position);
    position += 2;
    need(nameLength, 'a name');
    const name = decoder.decode(bytes.subarray(position, position + nameLength));
    position += nameLength;
    need(2, 'a value length');
    const valueLength = view.getUint16(position);
    position += 2;
    need(valueLength, `the value of "${name || lastName || '?'}"`);
    const raw = bytes.subarray(position, position + valueLength);
    position += valueLength;
    if (++count > MAX_ATTRIBUTES) throw new IppDecodeError(`IPP reply has more than ${MAX_ATTRIBUTES} values`);
    if (!current) throw new IppDecodeError(`IPP attribute "${name}" before any group tag at byte ${position}`);

    const top = stack.at(-1);
    if (top) {
      if (valueTag === IPP_TAG.memberAttrName) {
        top.member = decoder.decode(raw);
        continue;
      }
      if (valueTag === IPP_TAG.endCollection) {
        stack.pop();
        continue;
      }
      const memberName = top.member ?? '';
      if (valueTag === IPP_TAG.begCollection) {
        if (stack.length >= MAX_COLLECTION_DEPTH) throw new IppDecodeError(`IPP collections nest deeper than ${MAX_COLLECTION_DEPTH}`);
        const members: Record<string, IppValue[]> = {};
        valuesOf(top.members, memberName).push({ collection: members });
        stack.push({ into: top.members, name: memberName, members, member: undefined });
        continue;
      }
      valuesOf(top.members, memberName).push(decodeValue(valueTag, raw));
      continue;
    }

    const attributeName = nameLength > 0 ? name : lastName;
    if (attributeName === undefined) throw new IppDecodeError(`IPP additional value without an attribute at byte ${position}`);
    lastName = attributeName;
    const list = valuesOf(current, attributeName);
    if (valueTag === IPP_TAG.begCollection) {
      const members: Record<string, IppValue[]> = {};
      list.push({ collection: members });
      stack.push({ into: current, name: attributeName, members, member: undefined });
      continue;
    }
    list.push(decodeValue(valueTag, raw));
  }
  if (stack.length > 0) throw new IppDecodeError('IPP reply ends inside a collection');
  return { version, code, requestId, groups, data: bytes.subarray(position) };
}

/** The value list of a name, created as an own property so a name like `__proto__` from the wire stays data. */
function valuesOf(record: Record<string, IppValue[]>, name: string): IppValue[] {
  if (!Object.hasOwn(record, name))
    Object.defineProperty(record, name, { value: [], enumerable: true, writable: true, configurable: true });
  return record[name]!;
}

function decodeValue(tag: number, raw: Uint8Array): IppValue {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (tag) {
    case IPP_TAG.unsupported:
    case IPP_TAG.unknown:
    case IPP_TAG.noValue:
      return null;
    case IPP_TAG.integer:
    case IPP_TAG.enum:
      return raw.length === 4 ? view.getInt32(0) : raw.slice();
    case IPP_TAG.boolean:
      return raw.length === 1 ? raw[0] !== 0 : raw.slice();
    case IPP_TAG.rangeOfInteger:
      return raw.length === 8 ? { lower: view.getInt32(0), upper: view.getInt32(4) } : raw.slice();
    case IPP_TAG.resolution:
      return raw.length === 9 ? { x: view.getInt32(0), y: view.getInt32(4), units: raw[8]! } : raw.slice();
    case IPP_TAG.dateTime:
      return raw.length === 11 ? decodeDateTime(raw) : raw.slice();
    case IPP_TAG.textWithLanguage:
    case IPP_TAG.nameWithLanguage: {
      // language length, language, text length, text (RFC 8010 §3.9)
      if (raw.length < 4) return raw.slice();
      const languageLength = view.getUint16(0);
      if (2 + languageLength + 2 > raw.length) return raw.slice();
      const textLength = view.getUint16(2 + languageLength);
      if (4 + languageLength + textLength > raw.length) return raw.slice();
      return {
        language: decoder.decode(raw.subarray(2, 2 + languageLength)),
        text: decoder.decode(raw.subarray(4 + languageLength, 4 + languageLength + textLength)),
      };
    }
    case IPP_TAG.octetString:
      return raw.slice();
    default:
      // Character-string tags 0x40–0x5F are text; anything else unknown stays bytes.
      return tag >= 0x40 && tag <= 0x5f ? decoder.decode(raw) : raw.slice();
  }
}

/** RFC 2579 DateAndTime: year(2) month day hour minutes seconds deci-seconds direction hours minutes from UTC. */
function decodeDateTime(raw: Uint8Array): Date {
  const year = (raw[0]! << 8) | raw[1]!;
  const sign = raw[8] === 0x2d ? -1 : 1; // '-'
  const offsetMinutes = sign * (raw[9]! * 60 + raw[10]!);
  const utc = Date.UTC(year, raw[2]! - 1, raw[3]!, raw[4]!, raw[5]!, raw[6]!, raw[7]! * 100);
  return new Date(utc - offsetMinutes * 60_000);
}

/** All attributes of the groups with the given tag merged (a printer sends one printer group). */
export function groupAttributes(message: IppMessage, tag: number): IppAttributes {
  const merged: Record<string, IppValue[]> = {};
  for (const group of message.groups) {
    if (group.tag !== tag) continue;
    for (const [name, values] of Object.entries(group.attributes)) valuesOf(merged, name).push(...values);
  }
  return merged;
}

/** IPP status codes below 0x0100 are successful (RFC 8011 §B.1). */
export function isSuccessfulStatus(code: number): boolean {
  return code < 0x0100;
}

/** Names of the status codes a person may see, for error messages. */
export const IPP_STATUS_NAMES: Record<number, string> = {
  0x0400: 'client-error-bad-request',
  0x0401: 'client-error-forbidden',
  0x0402: 'client-error-not-authenticated',
  0x0403: 'client-error-not-authorized',
  0x0406: 'client-error-not-found',
  0x0500: 'server-error-internal-error',
  0x0501: 'server-error-operation-not-supported',
  0x0502: 'server-error-service-unavailable',
  0x0503: 'server-error-version-not-supported',
  0x0507: 'server-error-busy',
};
