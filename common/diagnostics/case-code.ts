/**
 * Case codes: what an owner reads to support over the phone, e.g. "K7QM-42XD-9".
 *
 * Eight symbols of Crockford's base32 (digits and letters without I, L, O and U, so no pair looks
 * or sounds alike) carry 40 random bits, which keeps codes unguessable enough to be not
 * enumerable when the server also rate-limits lookups. A ninth symbol is a Luhn mod 32 check
 * character over the same alphabet: it catches every single wrong symbol and every swap of two
 * neighbours but 0↔Z (Luhn's one blind pair, like 09↔90 in base 10), and it reads like the rest (Crockford's own mod 37 check adds *, ~, $, = and U,
 * which are awkward to say).
 *
 * Parsing is lenient the way people type: any case, dashes and spaces anywhere, I and L read as 1,
 * O as 0. A code whose check character does not match is a typo, answered as such.
 */

export const CASE_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = CASE_CODE_ALPHABET.length; // 32
/** Symbols of payload before the check character. */
export const CASE_CODE_PAYLOAD = 8;
/** Written form: two groups of four, then the check character. */
export const CASE_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

function valueOf(symbol: string): number {
  return CASE_CODE_ALPHABET.indexOf(symbol);
}

/** The Luhn mod N check character for a payload of alphabet symbols. */
export function checkCharacter(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    let addend = factor * valueOf(payload.charAt(i));
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return CASE_CODE_ALPHABET.charAt((N - (sum % N)) % N);
}

/** "K7QM42XD" + check → "K7QM-42XD-9". */
function format(payload: string): string {
  return `${payload.slice(0, 4)}-${payload.slice(4, 8)}-${checkCharacter(payload)}`;
}

/** A new case code from `randomBytes` (inject crypto.getRandomValues or node:crypto's randomFillSync). */
export function newCaseCode(randomBytes: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b)): string {
  const bytes = randomBytes(new Uint8Array(5));
  // 5 bytes = 40 bits = exactly eight 5-bit symbols.
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let payload = '';
  for (let i = CASE_CODE_PAYLOAD - 1; i >= 0; i--) payload += CASE_CODE_ALPHABET.charAt(Number((bits >> BigInt(i * 5)) & 31n));
  return format(payload);
}

export type ParsedCaseCode = { ok: true; code: string } | { ok: false; reason: 'length' | 'character' | 'checksum'; message: string };

/** Reads what a person typed or said into the canonical "XXXX-XXXX-C" form, or says what is wrong. */
export function parseCaseCode(input: string): ParsedCaseCode {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (cleaned.length !== CASE_CODE_PAYLOAD + 1) {
    return {
      ok: false,
      reason: 'length',
      message: `A case code has ${CASE_CODE_PAYLOAD + 1} characters, like K7QM-42XD-9; this one has ${cleaned.length}.`,
    };
  }
  const bad = [...cleaned].find((symbol) => valueOf(symbol) < 0);
  if (bad !== undefined)
    return { ok: false, reason: 'character', message: `"${bad}" does not appear in case codes; check that character.` };
  const payload = cleaned.slice(0, CASE_CODE_PAYLOAD);
  if (checkCharacter(payload) !== cleaned.charAt(CASE_CODE_PAYLOAD)) {
    return { ok: false, reason: 'checksum', message: 'That case code has a typo: one character is wrong or two are swapped.' };
  }
  return { ok: true, code: format(payload) };
}

/** True when `input` parses to a valid case code. */
export function isCaseCode(input: string): boolean {
  return parseCaseCode(input).ok;
}
