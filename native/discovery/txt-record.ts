import { z } from 'zod';

/**
 * The IPP Everywhere TXT keys Trayside uses (PWG 5100.14 §4.2.1, Bonjour Printing 1.2): `rp` the
 * resource path, `ty` the model, `note` the location, `adminurl` the printer's web page, `UUID`.
 * Anyone on the network can send any TXT record, so every value is checked and bounded here and
 * a bad one is dropped alone: the rest of the printer's record still counts.
 */
export interface PrinterTxt {
  /** Resource path without the leading slash, e.g. `ipp/print`; default `ipp/print`. */
  resourcePath: string;
  model?: string;
  location?: string;
  adminUrl?: string;
  /** Lower-case UUID without `urn:uuid:`. */
  uuid?: string;
}

/** RFC 6763 §6.1: one TXT string is at most 255 bytes; more entries than this is noise. */
const MAX_ENTRIES = 100;
const MAX_ENTRY_BYTES = 255;

/** IPP Everywhere's usual path: what a printer that sends no `rp` answers on. */
export const DEFAULT_RESOURCE_PATH = 'ipp/print';

// Control characters, line separators and bidirectional overrides (a U+202E would show a name reversed).
// eslint-disable-next-line no-control-regex -- names end up on one line in the panel
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const oneLine = (max: number) =>
  z
    .string()
    .transform((text) => text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1).max(max));

/** A path of plain segments: no `..`, no query, no scheme, nothing that would leave the printer's own host. */
const ResourcePathSchema = z
  .string()
  .max(200)
  .transform((path) => path.replace(/^\/+/, ''))
  .pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9._~%-]+(\/[A-Za-z0-9._~%-]+)*$/)
      .refine(
        (path) => !path.split('/').some((segment) => segment === '.' || segment === '..' || /%2e|%2f|%5c/i.test(segment)),
        'no dot segments',
      ),
  );

const AdminUrlSchema = z
  .string()
  .max(300)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'an http(s) address')
  .transform((text) => new URL(text).href)
  .pipe(z.string().max(300));

const UuidSchema = z
  .string()
  .transform((text) =>
    text
      .trim()
      .toLowerCase()
      .replace(/^urn:uuid:/, ''),
  )
  .pipe(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/));

const KEYS = { rp: ResourcePathSchema, ty: oneLine(200), note: oneLine(200), adminurl: AdminUrlSchema, uuid: UuidSchema } as const;
type Key = keyof typeof KEYS;

function isKey(key: string): key is Key {
  return Object.hasOwn(KEYS, key);
}

/**
 * The raw TXT strings as key → value, the way RFC 6763 §6.4–6.5 reads them: keys are
 * case-insensitive printable ASCII before the first `=`, the first occurrence of a key wins, an
 * entry without `=` is a boolean attribute (ignored here), over-long entries are dropped.
 */
export function txtEntries(raw: unknown): Map<string, string> {
  const entries = new Map<string, string>();
  if (!Array.isArray(raw)) return entries;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (const item of raw.slice(0, MAX_ENTRIES)) {
    const bytes = item instanceof Uint8Array ? item : typeof item === 'string' ? new TextEncoder().encode(item) : undefined;
    if (!bytes || bytes.length === 0 || bytes.length > MAX_ENTRY_BYTES) continue;
    const equals = bytes.indexOf(0x3d);
    if (equals <= 0) continue;
    const keyBytes = bytes.subarray(0, equals);
    if (keyBytes.some((byte) => byte < 0x20 || byte > 0x7e)) continue;
    const key = String.fromCharCode(...keyBytes).toLowerCase();
    if (entries.has(key)) continue;
    entries.set(key, decoder.decode(bytes.subarray(equals + 1)));
  }
  return entries;
}

/** The TXT record of an `_ipp._tcp` / `_ipps._tcp` service, checked key by key. */
export function parsePrinterTxt(raw: unknown): PrinterTxt {
  const txt: PrinterTxt = { resourcePath: DEFAULT_RESOURCE_PATH };
  for (const [key, value] of txtEntries(raw)) {
    if (!isKey(key)) continue;
    const parsed = KEYS[key].safeParse(value);
    if (!parsed.success) continue;
    switch (key) {
      case 'rp':
        txt.resourcePath = parsed.data;
        break;
      case 'ty':
        txt.model = parsed.data;
        break;
      case 'note':
        txt.location = parsed.data;
        break;
      case 'adminurl':
        txt.adminUrl = parsed.data;
        break;
      case 'uuid':
        txt.uuid = parsed.data;
        break;
    }
  }
  return txt;
}
