// The devices report: collecting readings from sources and formatting them for a person or as JSON.
import type { DeviceCondition, DeviceIdentity, DeviceState, TransportKind } from '../../common/device.js';
import { summarizeReading } from '../../common/device-summary.js';
import { describeLevel, type Supply } from '../../common/supply.js';
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
export function buildReport(input: ReportInput): DevicesReport {
  const devices = input.devices.map((device) => (device.error === undefined ? device : { ...device, error: explainErrnoText(device.error) }));
  const problems = input.problems.map(explainErrnoText);
  const hints: string[] = [];
  const denied = [...problems, ...devices.map((device) => device.error ?? '')].some((text) => /permission denied|no permission|EACCES|EPERM/i.test(text));
  if (denied) {
    hints.push(
      `Permission denied: run it once with sudo to check, or add a udev rule (your printer's vendor id instead of 04b8) to /etc/udev/rules.d/70-trayside.rules: ${UDEV_RULE} — then: sudo udevadm control --reload && sudo udevadm trigger, and plug the device in again`,
    );
  }
  if (devices.length === 0) {
    hints.push('A network printer, or one the system holds (IPP over USB, CUPS): npm run devices -- --ipp ipp://printer.local/ipp/print');
    if (input.network === undefined) hints.push("Printers on your network, with the address to give --ipp: npm run devices -- --network (it asks the network by DNS-SD for 3 s)");
    if (!input.demo) hints.push('To see what Trayside shows without a device: npm run devices -- --demo, or npm start (it shows the simulated demo printer)');
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
    return { ...base, state: 'unreachable', statusLine: 'Not responding', conditions: [], supplies: [], facts: {}, error: describeError(error) };
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
export function formatReport(report: DevicesReport): string {
  const lines: string[] = [];
  if (report.devices.length === 0) {
    lines.push('No devices found.');
  } else {
    lines.push(`${report.devices.length} device${report.devices.length === 1 ? '' : 's'} found:`);
  }
  for (const device of report.devices) {
    const who = device.identity ? [device.identity.manufacturer, device.identity.model].filter((part) => part.trim() !== '').join(' ') : '';
    lines.push('');
    lines.push(`${who || device.id}  [${device.transport}]`);
    lines.push(`  Status:   ${device.statusLine} (${device.state})`);
    if (device.error) lines.push(`  Error:    ${device.error}`);
    const identity = device.identity;
    if (identity) {
      const ids = identity.vendorId !== undefined ? `${usbIdHex(identity.vendorId)}:${usbIdHex(identity.productId ?? 0)}` : '';
      if (ids) lines.push(`  USB id:   ${ids}`);
      if (identity.serial) lines.push(`  Serial:   ${identity.serial}`);
      if (identity.firmware) lines.push(`  Firmware: ${identity.firmware}`);
      if (identity.commandSet.length > 0) lines.push(`  Commands: ${identity.commandSet.join(', ')}`);
    }
    for (const condition of device.conditions) lines.push(`  ${capital(condition.severity)}: ${condition.message} [${condition.code}]`);
    for (const supply of device.supplies) {
      const flag = supply.empty ? (supply.role === 'receptacle' ? ' FULL' : ' EMPTY') : supply.low ? ' LOW' : '';
      lines.push(`  Supply:   ${supply.name}: ${describeLevel(supply.level)}${flag}${supply.partNumber ? ` (part ${supply.partNumber})` : ''}`);
    }
    for (const [label, value] of Object.entries(device.facts)) lines.push(`  ${label}: ${value}`);
    lines.push(`  Id:       ${device.id}`);
  }
  if (report.networkPrinters !== undefined) {
    lines.push('');
    if (report.networkPrinters.length === 0) lines.push('No printer answered on the network (DNS-SD, _ipp._tcp and _ipps._tcp, 3 s).');
    else lines.push(`Printers on the network (read one with --ipp URI):`);
    for (const printer of report.networkPrinters) lines.push(`  ${printer.name}${printer.model && printer.model !== printer.name ? ` (${printer.model})` : ''}: ${printer.uri}`);
  }
  if (report.problems.length > 0) {
    lines.push('');
    lines.push(report.devices.length === 0 ? 'Why:' : 'Notes:');
    for (const problem of report.problems) lines.push(`  - ${problem}`);
  }
  if (report.hints.length > 0) {
    lines.push('');
    lines.push('What to try:');
    for (const hint of report.hints) lines.push(`  - ${hint}`);
  }
  lines.push('');
  lines.push(`Trayside ${report.appVersion} on ${report.os.platform} ${report.os.release} (${report.os.arch}), Node ${report.node}, ${report.generatedAt}`);
  lines.push('For support: npm run devices -- --json');
  return `${lines.join('\n')}\n`;
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}


/** The report's line for a printer another class driver holds: why, then what works (native/windows/other-class-driver.ts). */
export function explainOtherClassDriver(printer: OtherPrinterFunction): string {
  const { name, why, whatWorks } = explainUnreadablePrinter(printer, 'report');
  return `${name}: ${why}. What works: ${whatWorks.charAt(0).toLowerCase()}${whatWorks.slice(1)}`;
}
