/**
 * What a decoder returns: a value, or a typed "unreadable" with the reason a person can act on.
 * Decoders never throw on device bytes and never turn bytes they cannot read into a fake 0 %.
 */
export type Decoded<T> = { ok: true; value: T } | { ok: false; unreadable: string };

/** Wraps a decoded value. */
export function decoded<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

/** The bytes could not be read; `reason` names what was wrong with them. */
export function unreadable<T = never>(reason: string): Decoded<T> {
  return { ok: false, unreadable: reason };
}

/** Bytes as text for error messages and lenient parsers: UTF-8 when valid, else Latin-1 (total, one char per byte). */
export function bytesToText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return text;
  }
}

/** Short hex dump for messages: `0a 1b …` with at most `max` bytes shown. */
export function hexPreview(bytes: Uint8Array, max = 16): string {
  const shown = [...bytes.subarray(0, max)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} …` : shown;
}
