import { crc32 } from 'node:zlib';

/**
 * The checksummed line format of the append logs that must tell a torn or damaged record from a
 * good one (the event queue):
 *
 *     <crc32 of the JSON, 8 hex digits> <JSON>\n
 */

/** One record as a checksummed line, newline included. */
export function encodeChecksummedLine(record: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(record), 'utf8');
  const header = Buffer.from(`${crc32(json).toString(16).padStart(8, '0')} `, 'ascii');
  return Buffer.concat([header, json, Buffer.from('\n')]);
}

/** The parsed JSON of a line (without its newline), or undefined when the checksum or the JSON does not hold. */
export function decodeChecksummedLine(line: Uint8Array): unknown {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const bytes = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  const json = bytes.subarray(9);
  if (crc32(json).toString(16).padStart(8, '0') !== bytes.subarray(0, 8).toString('ascii')) return undefined;
  try {
    return JSON.parse(json.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
