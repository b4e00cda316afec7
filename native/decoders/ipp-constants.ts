import type { DeviceCondition } from '../../common/device.js';
import type { SupplyKind, SupplyRole } from '../../common/supply.js';

// Wire tables of IPP printers, apart from the decoding logic in ipp-supplies.ts: what each keyword
// or number a printer sends means to the owner.

/**
 * Supply type → kind. Types are RFC 3805 prtMarkerSuppliesTypeTC keywords, camelCase in
 * printer-supply (`tonerCartridge`) and hyphenated in marker-types (`toner-cartridge`), so both are
 * compared lower-case without hyphens.
 */
export const IPP_KIND_BY_TYPE: Record<string, SupplyKind> = {
  toner: 'toner',
  tonercartridge: 'toner',
  ink: 'ink',
  inkcartridge: 'ink',
  inkribbon: 'ink',
  solidwax: 'ink',
  ribbonwax: 'ink',
  inkbottle: 'ink',
  inktank: 'ink',
  wastetoner: 'waste',
  wasteink: 'waste',
  wastewax: 'waste',
  wastewater: 'waste',
  wastepaper: 'waste',
  opc: 'drum',
  developer: 'drum',
  transferunit: 'drum',
  fuser: 'fuser',
  fuseroil: 'fuser',
  fuseroilwick: 'fuser',
  fusercleaningpad: 'fuser',
  fuserkit: 'fuser',
  staples: 'staples',
  paper: 'paper',
  coronawire: 'other',
  cleanerunit: 'other',
  bandingsupply: 'other',
  bindingsupply: 'other',
};

/**
 * marker-colors values → colorant names. CUPS writes these pure colours when it turns a printer's
 * prtMarkerColorantValue into marker-colors (the `colors` table in cups `backend/snmp-supplies.c`);
 * `#808080` is the grey that grey-ink printers send themselves.
 */
export const CUPS_MARKER_COLORANTS: Readonly<Record<string, string>> = {
  '#000000': 'black',
  '#0000ff': 'blue',
  '#00ffff': 'cyan',
  '#00ff00': 'green',
  '#ff00ff': 'magenta',
  '#ff0000': 'red',
  '#ffffff': 'white',
  '#ffff00': 'yellow',
  '#808080': 'gray',
};

/** Colorant names that say the supply has no colour (printer MIB prtMarkerColorantValue "unknown", PWG "no-color", CUPS "none"). */
export const NO_COLORANT = new Set(['unknown', 'no color', 'none', 'other']);

/** The severity of a printer-state-reasons condition. */
export type IppSeverity = DeviceCondition['severity'];

/** What a printer-state-reasons keyword means to the owner. */
export interface ReasonInfo {
  severity: IppSeverity;
  message: string;
  /** Which supplies this reason speaks about: they get lowReported/emptyReported when unambiguous. */
  supply?: { kinds: SupplyKind[] | 'any'; role?: SupplyRole; state: 'low' | 'empty' };
}

/**
 * What the owner must do about a reason. The keyword says that; the suffix (RFC 8011 §5.4.12:
 * -report, -warning, -error) says how the printer copes, so it can raise the severity, never lower it.
 */
export const IPP_REASONS: Record<string, ReasonInfo> = {
  'media-empty': { severity: 'error', message: 'Paper out: load paper' },
  'media-needed': { severity: 'error', message: 'Load paper to continue' },
  'media-low': { severity: 'warning', message: 'Paper low' },
  'media-jam': { severity: 'error', message: 'Paper jam: open the printer and remove the paper' },
  'door-open': { severity: 'error', message: 'Door open: close the printer cover' },
  'cover-open': { severity: 'error', message: 'Cover open: close it' },
  'interlock-open': { severity: 'error', message: 'A door or cover is open: close it' },
  'input-tray-missing': { severity: 'error', message: 'Paper tray missing: put it back' },
  'output-tray-missing': { severity: 'error', message: 'Output tray missing: put it back' },
  'output-area-full': { severity: 'warning', message: 'Output tray full: remove the printed pages' },
  'output-area-almost-full': { severity: 'info', message: 'Output tray almost full' },
  'toner-low': { severity: 'warning', message: 'Toner low: order a cartridge', supply: { kinds: ['toner'], state: 'low' } },
  'toner-empty': { severity: 'error', message: 'Toner out: replace the cartridge', supply: { kinds: ['toner'], state: 'empty' } },
  'marker-supply-low': {
    severity: 'warning',
    message: 'Ink or toner low: order a replacement',
    supply: { kinds: 'any', role: 'consumable', state: 'low' },
  },
  'marker-supply-empty': {
    severity: 'error',
    message: 'Ink or toner out: replace it',
    supply: { kinds: 'any', role: 'consumable', state: 'empty' },
  },
  'marker-waste-almost-full': {
    severity: 'warning',
    message: 'Waste container almost full: order a replacement',
    supply: { kinds: 'any', role: 'receptacle', state: 'low' },
  },
  'marker-waste-full': {
    severity: 'error',
    message: 'Waste container full: replace it',
    supply: { kinds: 'any', role: 'receptacle', state: 'empty' },
  },
  'opc-near-eol': {
    severity: 'warning',
    message: 'Imaging drum near end of life: order a replacement',
    supply: { kinds: ['drum'], state: 'low' },
  },
  'opc-life-over': { severity: 'error', message: 'Imaging drum worn out: replace it', supply: { kinds: ['drum'], state: 'empty' } },
  'developer-low': { severity: 'warning', message: 'Developer low', supply: { kinds: ['drum'], state: 'low' } },
  'developer-empty': { severity: 'error', message: 'Developer empty', supply: { kinds: ['drum'], state: 'empty' } },
  'fuser-over-temp': { severity: 'error', message: 'Fuser too hot: let the printer cool down' },
  'fuser-under-temp': { severity: 'info', message: 'Fuser warming up' },
  offline: { severity: 'error', message: 'Printer is off-line' },
  shutdown: { severity: 'error', message: 'Printer is shutting down or off' },
  paused: { severity: 'warning', message: 'Printer is paused' },
  'moving-to-paused': { severity: 'info', message: 'Printer is pausing' },
  'spool-area-full': { severity: 'warning', message: 'Printer memory full: wait for jobs to finish' },
  'connecting-to-device': { severity: 'info', message: 'Connecting to the printer' },
  'timed-out': { severity: 'warning', message: 'The printer stopped answering' },
  'stopped-partly': { severity: 'warning', message: 'Part of the printer is not working' },
  stopping: { severity: 'info', message: 'Printer is stopping' },
  'cups-missing-filter': { severity: 'error', message: 'No driver for this printer' },
  'identify-printer-requested': { severity: 'info', message: 'Identify requested' },
  other: { severity: 'warning', message: 'The printer reports a problem: check its display' },
};

/** IPP printer-state (RFC 8011 §5.4.11). */
export type IppPrinterState = 'idle' | 'processing' | 'stopped';

/** printer-state values: 3 idle, 4 processing, 5 stopped. */
export const IPP_PRINTER_STATES: Readonly<Record<number, IppPrinterState>> = { 3: 'idle', 4: 'processing', 5: 'stopped' };
