import { isIPv4, isIPv6 } from 'node:net';
import { RedactionKindSchema, type RedactionKind, type RedactionSummaryEntry } from '../../common/diagnostics/bundle.js';

/**
 * Redaction with typed, numbered placeholders: every personal value found in a string becomes
 * `<serial-1>`, `<user-2>`, `<host-1>`, … The same value (case-insensitively) always gets the same
 * number within one bundle, so log lines, device entries and history still correlate.
 *
 * Values the capture knows for certain (the device serials, the account name, the machine's host
 * name, queue names and job titles read from the printer) are matched literally first; patterns
 * then find the rest (addresses, e-mails, URIs, paths under a home folder). A string is cut into
 * pieces as it goes: once a piece became a placeholder, no later pattern looks into it, so a
 * placeholder is never mangled by the next kind and no kind sees another's leftovers.
 */

export const REDACTION_KINDS: readonly RedactionKind[] = RedactionKindSchema.options;

/** What the owner chose per kind; a kind not named is removed (the default removes everything personal). */
export type RedactionChoices = Partial<Record<RedactionKind, 'keep' | 'remove'>>;

/** A value the capture knows to be personal, and its kind. */
export interface KnownValue {
  kind: RedactionKind;
  value: string;
}

/** Words for each kind as they read inside a sentence ("Remove serial numbers"), for the panel. */
export const REDACTION_KIND_LABELS: Record<RedactionKind, string> = {
  serial: 'serial numbers',
  user: 'user names in folder paths',
  host: 'computer and printer names',
  ipv4: 'IPv4 addresses',
  ipv6: 'IPv6 addresses',
  mac: 'MAC addresses',
  email: 'e-mail addresses',
  'printer-uri': 'printer addresses (IPP and other printer URIs)',
  'job-title': 'print job and document titles',
  queue: 'print queue names',
  share: 'shared printer and folder names',
};

/** A known value shorter than this is not matched literally: "A1" as a serial would eat every "A1" in a log. */
const MIN_KNOWN_LENGTH = 3;

interface Detector {
  kind: RedactionKind;
  /** Global regex; when `group` is set, only that capture group is the value. */
  pattern: RegExp;
  group?: number;
  /** A candidate that is not really of the kind (loopback, a version number) is left alone. */
  accept?: (value: string) => boolean;
  /**
   * A cheap test of the whole string (lower-cased) that must pass for the pattern to be tried:
   * most log lines have no '@' or '://', and skipping the regex there keeps a 5 MB capture fast.
   */
  hint: (lower: string) => boolean;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isLoopbackV4 = (value: string): boolean => value.startsWith('127.') || value === '0.0.0.0';
const isPrivateFreeV6 = (value: string): boolean => {
  const bare = value.split('%')[0]!.toLowerCase();
  return bare === '::' || bare === '::1';
};

const HEX_PAIR = /[0-9a-f]{2}[:-][0-9a-f]{2}[:-][0-9a-f]{2}/;
const HEX_COLON_HEX = /[0-9a-f]:[0-9a-f]/;
const DOTTED_DIGITS = /\d\.\d{1,3}\.\d/;
const HOME_NETWORK_SUFFIX = /\.(?:local|lan|home|internal|localdomain|box)\b/;

/** Patterns in the order they run; earlier kinds win a piece of text. */
const PATTERN_DETECTORS: readonly Detector[] = [
  { kind: 'email', hint: (lower) => lower.includes('@'), pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  // Printer URIs with a host (IPP schemes, CUPS backends, http(s) on the IPP port), whole and first:
  // a kept one is still searched for the host, queue and share inside it.
  {
    kind: 'printer-uri',
    hint: (lower) => lower.includes('://'),
    pattern: /\b(?:ipps?|socket|lpd|smb|dnssd|mdns|https?):\/\/[^\s"'<>]+/gi,
    accept: (value) => isPrinterUri(value),
  },
  // A share is the first path segment after the server of an SMB URI or a UNC path.
  { kind: 'share', hint: (lower) => lower.includes('smb://'), pattern: /\bsmb:\/\/[^\s/"'<>]+\/([^\s/"'<>?#]+)/dgi, group: 1 },
  { kind: 'share', hint: (lower) => lower.includes('\\\\'), pattern: /(?:^|[\s"'(=])\\\\[^\s\\"']+\\([^\s\\"';,)]+)/dg, group: 1 },
  // Queue names in CUPS and IPP resource paths: /printers/Office_Laser, /classes/Floor2.
  {
    kind: 'queue',
    hint: (lower) => lower.includes('/printers/') || lower.includes('/classes/'),
    pattern: /\/(?:printers|classes)\/([^\s/"'<>?#;,)]+)/dgi,
    group: 1,
  },
  {
    kind: 'user',
    hint: (lower) => lower.includes('/home/') || lower.includes('/users/') || lower.includes('users\\'),
    pattern: /(?:\/home\/|\/Users\/|\/var\/home\/|[A-Za-z]:\\{1,2}Users\\{1,2}|[A-Za-z]:\/Users\/)([^/\\\s"'<>:*?|]+)/dgi,
    group: 1,
    accept: (value) => !['shared', 'public', 'default', 'all users'].includes(value.toLowerCase()),
  },
  {
    kind: 'job-title',
    hint: (lower) => lower.includes('job') || lower.includes('document'),
    pattern: /\b(?:job|document)[-_ ](?:name|title)\s*[=:]\s*"([^"\r\n]{1,200})"/dgi,
    group: 1,
  },
  {
    kind: 'job-title',
    hint: (lower) => lower.includes('job') || lower.includes('document'),
    pattern: /\b(?:job|document)[-_ ](?:name|title)\s*[=:]\s*'([^'\r\n]{1,200})'/dgi,
    group: 1,
  },
  { kind: 'mac', hint: (lower) => HEX_PAIR.test(lower), pattern: /\b[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}\b/g },
  {
    kind: 'ipv6',
    hint: (lower) => lower.includes('::') || HEX_COLON_HEX.test(lower),
    pattern:
      /(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?:%[0-9A-Za-z._-]+)?(?![0-9A-Za-z:])/g,
    accept: (value) => isIPv6(value.split('%')[0]!) && !isPrivateFreeV6(value),
  },
  {
    kind: 'ipv4',
    hint: (lower) => DOTTED_DIGITS.test(lower),
    pattern: /(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9]|\.\d)/g,
    accept: (value) => isIPv4(value) && !isLoopbackV4(value),
  },
  // mDNS and home-network names: a printer's "office-laser.local", a router's "nas.lan".
  {
    kind: 'host',
    hint: (lower) => HOME_NETWORK_SUFFIX.test(lower),
    pattern: /\b[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.(?:local|lan|home|internal|localdomain|fritz\.box)\b/gi,
  },
];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for a URI of a printer with a real host: any IPP/CUPS scheme, or http(s) on port 631 or to an /ipp or /printers path. */
function isPrinterUri(value: string): boolean {
  const match = /^([a-z]+):\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?(\/[^?#]*)?/i.exec(value);
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  const host = (match[2] ?? '').toLowerCase();
  if (host.length === 0 || LOOPBACK_HOSTS.has(host)) return false;
  if (scheme !== 'http' && scheme !== 'https') return true;
  return match[3] === '631' || /^\/(?:ipp|printers|classes)\b/i.test(match[4] ?? '');
}

/** A piece of a string being redacted: untouched text, or a value already decided. */
type Piece = { text: string; done: false } | { text: string; done: true };

/** One redaction pass over a whole bundle: numbering and counts are shared across all its strings. */
export class Redactor {
  private readonly numbers = new Map<RedactionKind, Map<string, number>>();
  /** `lower` is the shortcut test for ASCII values; others always run their regex (case folding beyond ASCII differs between toLowerCase and /i). */
  private readonly known: Array<{ kind: RedactionKind; pattern: RegExp; lower: string | undefined }>;

  constructor(
    private readonly choices: RedactionChoices,
    knownValues: readonly KnownValue[] = [],
  ) {
    const seen = new Set<string>();
    const usable = knownValues
      .map((entry) => ({ kind: entry.kind, value: entry.value.trim() }))
      .filter(
        (entry) => entry.value.length >= MIN_KNOWN_LENGTH && !seen.has(entry.value.toLowerCase()) && seen.add(entry.value.toLowerCase()),
      )
      // Longest first: a serial "ABC1234" must not be cut by a shorter known value inside it.
      .sort((a, b) => b.value.length - a.value.length);
    // Numbered on first sight like every other value, so "<user-1>" is the first user the bundle mentions.
    this.known = usable.map((entry) => ({
      kind: entry.kind,
      pattern: new RegExp(escapeRegExp(entry.value), 'gi'),
      lower: /^[\x20-\x7e]*$/.test(entry.value) ? entry.value.toLowerCase() : undefined,
    }));
  }

  /** True when values of `kind` are replaced. */
  removes(kind: RedactionKind): boolean {
    return this.choices[kind] !== 'keep';
  }

  /** The placeholder of a value, numbering it on first sight. */
  private numberOf(kind: RedactionKind, value: string): number {
    let byValue = this.numbers.get(kind);
    if (!byValue) this.numbers.set(kind, (byValue = new Map()));
    const key = value.toLowerCase();
    let number = byValue.get(key);
    if (number === undefined) byValue.set(key, (number = byValue.size + 1));
    return number;
  }

  private placeholder(kind: RedactionKind, value: string): string {
    return `<${kind}-${this.numberOf(kind, value)}>`;
  }

  /** A known value counts once it has been seen in the bundle, not merely because the capture knew it. */
  private readonly found = new Map<RedactionKind, Set<string>>();

  private note(kind: RedactionKind, value: string): void {
    let values = this.found.get(kind);
    if (!values) this.found.set(kind, (values = new Set()));
    values.add(value.toLowerCase());
  }

  /** Splits untouched pieces at each match of one detector. */
  private apply(
    pieces: Piece[],
    kind: RedactionKind,
    pattern: RegExp,
    group: number | undefined,
    accept: ((value: string) => boolean) | undefined,
  ): Piece[] {
    const out: Piece[] = [];
    for (const piece of pieces) {
      if (piece.done) {
        out.push(piece);
        continue;
      }
      const text = piece.text;
      // Most strings have nothing of most kinds: one test is far cheaper than a match iterator.
      pattern.lastIndex = 0;
      const any = pattern.test(text);
      pattern.lastIndex = 0;
      if (!any) {
        out.push(piece);
        continue;
      }
      let last = 0;
      for (const match of text.matchAll(pattern)) {
        const whole = match[0];
        const value = group === undefined ? whole : match[group];
        if (value === undefined || value.length === 0) continue;
        if (accept && !accept(value)) continue;
        const start = group === undefined ? (match.index ?? 0) : (match.indices?.[group]?.[0] ?? -1);
        if (start < last) continue;
        this.note(kind, value);
        if (start > last) out.push({ text: text.slice(last, start), done: false });
        // A kept value stays in the text, and later kinds may still find things inside it (a host in a kept URI).
        out.push(this.removes(kind) ? { text: this.placeholder(kind, value), done: true } : { text: value, done: false });
        last = start + value.length;
      }
      if (last === 0) out.push(piece);
      else if (last < text.length) out.push({ text: text.slice(last), done: false });
    }
    return out;
  }

  /** Logs repeat themselves; the same string always redacts the same way within one pass. */
  private readonly done = new Map<string, string>();

  /** Redacts one string. Never throws; a string without findings comes back as it was. */
  text(input: string): string {
    if (input.length === 0) return input;
    const known = this.done.get(input);
    if (known !== undefined) return known;
    const result = this.redact(input);
    // Bounded, so a bundle of all-different lines does not keep a second copy of every one.
    if (this.done.size < 50_000) this.done.set(input, result);
    return result;
  }

  private redact(input: string): string {
    let pieces: Piece[] = [{ text: input, done: false }];
    const lower = input.toLowerCase();
    for (const known of this.known)
      if (known.lower === undefined || lower.includes(known.lower))
        pieces = this.apply(pieces, known.kind, known.pattern, undefined, undefined);
    for (const detector of PATTERN_DETECTORS)
      if (detector.hint(lower)) pieces = this.apply(pieces, detector.kind, detector.pattern, detector.group, detector.accept);
    return pieces.length === 1 ? pieces[0]!.text : pieces.map((piece) => piece.text).join('');
  }

  /** Redacts every string of a JSON-like value, keys included (a device id or a history key may carry a serial). */
  value<T>(input: T): T {
    return this.walk(input) as T;
  }

  private walk(input: unknown): unknown {
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((item) => this.walk(item));
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(input)) out[this.text(key)] = this.walk(item);
      return out;
    }
    return input;
  }

  /** Distinct values found per kind and what became of them; every kind is listed, found or not. */
  summary(): RedactionSummaryEntry[] {
    return REDACTION_KINDS.map((kind) => ({
      kind,
      count: this.found.get(kind)?.size ?? 0,
      action: this.removes(kind) ? ('removed' as const) : ('kept' as const),
    }));
  }
}
