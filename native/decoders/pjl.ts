import type { DeviceCondition } from '../../common/device.js';
import { bytesToText, decoded, hexPreview, unreadable, type Decoded } from './decoded.js';

/** Universal Exit Language: resets the printer's language parser before and after a PJL command (HP PJL Technical Reference). */
export const PJL_UEL = '\x1b%-12345X';

/** `ESC%-12345X@PJL INFO STATUS<CR><LF>ESC%-12345X`, as HPLIP `base/status.py` `StatusType8` sends it. */
export const PJL_INFO_STATUS_REQUEST: Uint8Array = new TextEncoder().encode(`${PJL_UEL}@PJL INFO STATUS\r\n${PJL_UEL}`);

/** A PJL INFO STATUS (or unsolicited USTATUS DEVICE) reply. */
export interface PjlStatus {
  /** Five-digit status code; 10001 is ready/on-line. */
  code?: number;
  /** The control-panel text, quotes removed. */
  display?: string;
  online?: boolean;
  /** Every `KEY=value` line, keys upper-cased, first value wins. */
  fields: Record<string, string>;
}

const MAX_REPLY_CHARS = 64 * 1024;

/**
 * Parses a PJL status reply: lines of `KEY=value` after an `@PJL INFO STATUS` (or `@PJL USTATUS
 * DEVICE`) echo, ending in a form feed. A read may hold several replies (USTATUS is
 * unsolicited); the last one with any `KEY=value` line is the current state.
 */
export function parsePjlStatus(bytes: Uint8Array): Decoded<PjlStatus> {
  if (bytes.length === 0) return unreadable('PJL reply is empty: the printer sent nothing back (busy printing, or not bidirectional)');
  const text = bytesToText(bytes.subarray(0, MAX_REPLY_CHARS)).split(PJL_UEL).join('\n');
  const blocks = text.split('\f');
  for (let index = blocks.length - 1; index >= 0; index -= 1) {
    const fields = parseBlock(blocks[index]!);
    if (Object.keys(fields).length > 0) return decoded(statusFromFields(fields));
  }
  return unreadable(`PJL reply holds no KEY=value lines (${bytes.length} bytes: ${hexPreview(bytes)})`);
}

function parseBlock(block: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const rawLine of block.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/\0/g, '').trim();
    if (line.startsWith('@')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = line.slice(0, equals).trim().toUpperCase();
    if (key === '' || /\s/.test(key) || Object.hasOwn(fields, key)) continue;
    fields[key] = unquote(line.slice(equals + 1).trim());
  }
  return fields;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function statusFromFields(fields: Record<string, string>): PjlStatus {
  const status: PjlStatus = { fields };
  // HPLIP reads `CODE\s*=\s*(\d.*)` and int()s it; a code is five digits (10001 … 5xxxx).
  const code = /^(\d{1,6})/.exec(fields.CODE ?? '');
  if (code) status.code = Number(code[1]);
  if (fields.DISPLAY !== undefined) status.display = fields.DISPLAY;
  const online = fields.ONLINE?.toUpperCase();
  if (online === 'TRUE') status.online = true;
  else if (online === 'FALSE') status.online = false;
  return status;
}

/** Builds a PJL INFO STATUS reply as a printer sends it (tests and simulated printers). */
export function encodePjlStatusReply(status: { code: number; display: string; online: boolean }): Uint8Array {
  return new TextEncoder().encode(
    `@PJL INFO STATUS\r\nCODE=${status.code}\r\nDISPLAY="${status.display}"\r\nONLINE=${status.online ? 'TRUE' : 'FALSE'}\r\n\f`,
  );
}

type ConditionTemplate = Omit<DeviceCondition, 'message'> & { message: string };

/**
 * Exact codes, from HPLIP `base/status.py` `PJL_STATUS_MAP` (offline 10002/10011, low toner
 * 10006/102xx, replace 103xx, door open 40021, jam 30119/40022, toner low/out 40038/40600).
 */
const EXACT_CODES: Record<number, ConditionTemplate> = {
  10002: { code: 'offline', severity: 'error', message: 'Printer is off-line' },
  10011: { code: 'offline', severity: 'error', message: 'Printer is off-line' },
  10006: { code: 'toner-low', severity: 'warning', message: 'Toner low' },
  10218: { code: 'toner-low', severity: 'warning', message: 'Toner low' },
  10027: { code: 'media-jam', severity: 'error', message: 'Paper jam' },
  30119: { code: 'media-jam', severity: 'error', message: 'Paper jam' },
  40021: { code: 'door-open', severity: 'error', message: 'Door open: close the printer cover' },
  40022: { code: 'media-jam', severity: 'error', message: 'Paper jam: open the printer and remove the paper' },
  40038: { code: 'toner-low', severity: 'warning', message: 'Toner low' },
  40600: { code: 'toner-empty', severity: 'error', message: 'Toner out: replace the cartridge' },
};

const TONER_COLOURS = ['black', 'cyan', 'magenta', 'yellow'] as const;

function conditionForCode(code: number): ConditionTemplate | undefined {
  const exact = EXACT_CODES[code];
  if (exact) return exact;
  // Ranges, per the comments and MapPJLErrorCode in HPLIP base/status.py and the PJL Technical Reference.
  if (code >= 10200 && code <= 10203)
    return { code: 'toner-low', severity: 'warning', message: `${capital(TONER_COLOURS[code - 10200]!)} toner low: order a cartridge` };
  if (code >= 10204 && code <= 10208)
    return { code: 'opc-near-eol', severity: 'warning', message: 'Imaging drum near end of life: order a replacement' };
  if (code >= 10209 && code <= 10212)
    return {
      code: 'toner-low',
      severity: 'warning',
      message: `${capital(TONER_COLOURS[code - 10209]!)} cartridge low: order a replacement`,
    };
  if (code >= 10213 && code <= 10217) return { code: 'other', severity: 'warning', message: 'Maintenance kit due: order it' };
  if (code >= 10300 && code <= 10303)
    return { code: 'toner-empty', severity: 'error', message: `Replace the ${TONER_COLOURS[code - 10300]!} toner` };
  if (code >= 10304 && code <= 10308) return { code: 'opc-life-over', severity: 'warning', message: 'Replace the imaging drum' };
  if (code >= 10309 && code <= 10318)
    return { code: 'marker-supply-empty', severity: 'warning', message: 'Replace the supply shown on the printer' };
  if (code >= 15000 && code <= 15999) return { code: 'output-area-full', severity: 'warning', message: 'Output bin full: empty it' };
  if (code >= 35000 && code <= 35999) return { code: 'other', severity: 'warning', message: 'The printer may need attention soon' };
  if (code >= 40000 && code <= 40999) return { code: 'other', severity: 'error', message: 'The printer needs attention' };
  if (code >= 41000 && code <= 41999)
    return { code: 'media-empty', severity: 'error', message: `Load paper in tray ${Math.floor(code / 100) % 10}` };
  if (code >= 42000 && code <= 42999) return { code: 'media-jam', severity: 'error', message: 'Paper jam' };
  if (code >= 43000 && code <= 43999) return { code: 'other', severity: 'error', message: 'A paper handling accessory needs attention' };
  if (code >= 44000 && code <= 44999) return { code: 'media-jam', severity: 'error', message: 'Paper jam' };
  if ((code >= 50000 && code <= 50999) || (code >= 55000 && code <= 55999)) {
    return { code: 'other', severity: 'error', message: 'Printer hardware error: switch it off and on; call service if it stays' };
  }
  // 10001 ready and the 100xx busy/warming-up codes, 11xyy/12xyy background tray notes, 20xxx–27xxx
  // (errors in *our* PJL, not the printer's), 30xxx auto-continuable: nothing for the owner to do.
  return undefined;
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Conditions in the IPP printer-state-reasons vocabulary; the panel text is appended so the owner sees what the printer says. */
export function pjlConditions(status: PjlStatus): DeviceCondition[] {
  const conditions: DeviceCondition[] = [];
  const display = status.display?.trim();
  const says = display ? ` (printer shows "${display.slice(0, 80)}")` : '';
  const template = status.code === undefined ? undefined : conditionForCode(status.code);
  if (template) conditions.push({ ...template, message: `${template.message}${says}`.slice(0, 300) });
  if (status.online === false && !conditions.some((condition) => condition.code === 'offline')) {
    conditions.push({ code: 'offline', severity: 'error', message: `Printer is off-line${says}`.slice(0, 300) });
  }
  return conditions;
}
