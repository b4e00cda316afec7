// The devices report: collecting readings from sources and formatting them for a person or as JSON.
import type { DeviceCondition, DeviceIdentity, DeviceState, TransportKind } from '../../common/device.js';
import { summarizeReading } from '../../common/device-summary.js';
import type { Supply } from '../../common/supply.js';
import { activeTranslator } from '../../common/l10n/active-translator.js';
import { describeLevelIn } from '../../common/l10n/supply-words.js';
import type { Translator } from '../../common/l10n/translator.js';
import { describeError } from '../../common/errors.js';
import { explainErrnoText } from '../../common/system-error-words.js';
import type { DeviceSession, DeviceSource } from '../transport.js';
import { usbIdHex } from '../usb-ids.js';
import { explainUnreadablePrinter } from '../windows/other-class-driver.js';
import type { OtherPrinterFunction } from '../windows/win32-printers.js';

/** One device as the CLI reports it. */
export interface DeviceReport {
  id: string;
  source: string;
  transport: TransportKind;
  state: DeviceState;
  statusLine: string;
  identity?: DeviceIdentity;
  conditions: DeviceCondition[];
  supplies: Supply[];
  facts: Record<string, string>;
  /** Why the device could not be read, when it could not. */
  error?: string;
}

/** What support asks first: which app, which machine, when. */
export interface ReportEnvironment {
  appVersion: string;
  os: { platform: string; release: string; arch: string };
  /** process.version, e.g. v20.20.0. */
  node: string;
}

/** The whole report: where and when it was made, the devices, why some sources see nothing, and what to try. */
export interface DevicesReport extends ReportEnvironment {
  /** ISO 8601, UTC. */
  generatedAt: string;
  devices: DeviceReport[];
  problems: string[];
  /** Next steps for a person, from what was (not) found. */
  hints: string[];
  /** Printers found on the network by DNS-SD (with --network), each readable with --ipp URI. */
  networkPrinters?: NetworkPrinterLine[];
}

/** One network printer in the report: what it calls itself, and the address to read it at. */
export interface NetworkPrinterLine {
  name: string;
  model?: string;
  uri: string;
}

/** What the report is built from. */
export interface ReportInput {
  devices: DeviceReport[];
  problems: readonly string[];
  environment: ReportEnvironment;
  now: Date;
  /** --demo was given (the demo printer is in the list already). */
  demo: boolean;
  /** What DNS-SD found with --network; undefined when it was not asked. */
  network?: readonly NetworkPrinterLine[];
}

/** An example a person can paste: the rule grants the logged-in user the device (systemd's uaccess), no sudo at each run. */
const UDEV_RULE = 'SUBSYSTEM=="usb", ATTRS{idVendor}=="04b8", TAG+="uaccess"';

/** Devices, problems and errors in words (no bare errno), with the hints that follow from them. */
export function buildReport(input: ReportInput, { t }: Translator = activeTranslator()): DevicesReport {
  const devices = input.devices.map((device) =>
    device.error === undefined ? device : { ...device, error: explainErrnoText(device.error) },
  );
  const problems = input.problems.map(explainErrnoText);
  const hints: string[] = [];
  const denied = [...problems, ...devices.map((device) => device.error ?? '')].some((text) =>
    /permission denied|no permission|EACCES|EPERM/i.test(text),
  );
  if (denied) {
    hints.push(t('report.hint.permission', { rule: UDEV_RULE }));
  }
  if (devices.length === 0) {
    hints.push(t('report.hint.ipp', { command: 'npm run devices -- --ipp ipp://printer.local/ipp/print' }));
    if (input.network === undefined) hints.push(t('report.hint.network', { command: 'npm run devices -- --network' }));
    if (!input.demo)
      hints.push(t('report.hint.demo', { product: 'Trayside', demoCommand: 'npm run devices -- --demo', startCommand: 'npm start' }));
  }
  const report: DevicesReport = { ...input.environment, generatedAt: input.now.toISOString(), devices, problems, hints };
  if (input.network !== undefined) report.networkPrinters = input.network.map((printer) => ({ ...printer }));
  return report;
}

/** Parses a vendor id written as hex with 0x ("0x04b8") or decimal; undefined when not a 16-bit id. */
export function parseVendorId(text: string): number | undefined {
  const value = /^0x[0-9a-f]{1,4}$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(value) && value >= 0 && value <= 0xffff ? value : undefined;
}

async function readOne(source: DeviceSource, session: DeviceSession, timeoutMs: number): Promise<DeviceReport> {
  const base = { id: session.id, source: source.name, transport: session.transport };
  try {
    const reading = await session.read(AbortSignal.timeout(timeoutMs));
    const summary = summarizeReading(reading);
    return {
      ...base,
      state: summary.state,
      statusLine: summary.statusLine,
      identity: reading.identity,
      conditions: reading.conditions,
      supplies: reading.supplies,
      facts: reading.facts ?? {},
    };
  } catch (error) {
    return {
      ...base,
      state: 'unreachable',
      statusLine: 'Not responding',
      conditions: [],
      supplies: [],
      facts: {},
      error: describeError(error),
    };
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Lists and reads every device of `sources`, one device at a time (the devices share a bus). */
export async function collectDevices(sources: readonly DeviceSource[], timeoutMs: number): Promise<DeviceReport[]> {
  const reports: DeviceReport[] = [];
  for (const source of sources) {
    const sessions = await source.list().catch(() => [] as DeviceSession[]);
    for (const session of sessions) reports.push(await readOne(source, session, timeoutMs));
  }
  return reports;
}

/** The readable table. */
export function formatReport(report: DevicesReport, { t }: Translator = activeTranslator()): string {
  const lines: string[] = [];
  if (report.devices.length === 0) {
    lines.push(t('report.noDevices'));
  } else {
    lines.push(t('report.devicesFound', { count: report.devices.length }));
  }
  const labels = [
    'report.status',
    'report.error',
    'report.usbId',
    'report.serial',
    'report.firmware',
    'report.commands',
    'report.supply',
    'report.id',
  ] as const;
  // The values line up after the longest label of this language ("Status:   " in English).
  const width = Math.max(...labels.map((key) => t(key).length)) + 1;
  const field = (key: (typeof labels)[number], value: string) => `  ${t(key).padEnd(width)}${value}`;
  for (const device of report.devices) {
    const who = device.identity ? [device.identity.manufacturer, device.identity.model].filter((part) => part.trim() !== '').join(' ') : '';
    lines.push('');
    lines.push(`${who || device.id}  [${device.transport}]`);
    lines.push(field('report.status', `${device.statusLine} (${device.state})`));
    if (device.error) lines.push(field('report.error', device.error));
    const identity = device.identity;
    if (identity) {
      const ids = identity.vendorId !== undefined ? `${usbIdHex(identity.vendorId)}:${usbIdHex(identity.productId ?? 0)}` : '';
      if (ids) lines.push(field('report.usbId', ids));
      if (identity.serial) lines.push(field('report.serial', identity.serial));
      if (identity.firmware) lines.push(field('report.firmware', identity.firmware));
      if (identity.commandSet.length > 0) lines.push(field('report.commands', identity.commandSet.join(', ')));
    }
    for (const condition of device.conditions)
      lines.push(`  ${t(`report.severity.${condition.severity}`)}: ${condition.message} [${condition.code}]`);
    for (const supply of device.supplies) {
      const flag = supply.empty
        ? ` ${t(supply.role === 'receptacle' ? 'report.flagFull' : 'report.flagEmpty')}`
        : supply.low
          ? ` ${t('report.flagLow')}`
          : '';
      lines.push(
        field(
          'report.supply',
          `${supply.name}: ${describeLevelIn(supply.level, t)}${flag}${supply.partNumber ? ` ${t('report.part', { part: supply.partNumber })}` : ''}`,
        ),
      );
    }
    for (const [label, value] of Object.entries(device.facts)) lines.push(`  ${label}: ${value}`);
    lines.push(field('report.id', device.id));
  }
  if (report.networkPrinters !== undefined) {
    lines.push('');
    if (report.networkPrinters.length === 0) lines.push(t('report.noNetworkPrinter'));
    else lines.push(t('report.networkPrinters'));
    for (const printer of report.networkPrinters)
      lines.push(`  ${printer.name}${printer.model && printer.model !== printer.name ? ` (${printer.model})` : ''}: ${printer.uri}`);
  }
  if (report.problems.length > 0) {
    lines.push('');
    lines.push(t(report.devices.length === 0 ? 'report.why' : 'report.notes'));
    for (const problem of report.problems) lines.push(`  - ${problem}`);
  }
  if (report.hints.length > 0) {
    lines.push('');
    lines.push(t('report.whatToTry'));
    for (const hint of report.hints) lines.push(`  - ${hint}`);
  }
  lines.push('');
  lines.push(
    t('report.footer', {
      product: 'Trayside',
      version: report.appVersion,
      platform: report.os.platform,
      release: report.os.release,
      arch: report.os.arch,
      node: report.node,
      generatedAt: report.generatedAt,
    }),
  );
  lines.push(t('report.forSupport', { command: 'npm run devices -- --json' }));
  return `${lines.join('\n')}\n`;
}

/** The report's line for a printer another class driver holds: why, then what works (native/windows/other-class-driver.ts). */
export function explainOtherClassDriver(printer: OtherPrinterFunction): string {
  const { name, why, whatWorks } = explainUnreadablePrinter(printer, 'report');
  return `${name}: ${why}. What works: ${whatWorks.charAt(0).toLowerCase()}${whatWorks.slice(1)}`;
}
