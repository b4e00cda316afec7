import type { DeviceCondition, DeviceIdentity, DeviceIdentitySources, DeviceReading } from '../../common/device.js';
import { Emitter, systemTimers, type Disposable, type Timers } from '../../common/lifecycle.js';
import { parseDeviceIdPayload } from '../decoders/ieee1284.js';
import { PJL_INFO_STATUS_REQUEST, parsePjlStatus, pjlConditions } from '../decoders/pjl.js';
import { readPjlReply } from '../pjl-reply.js';
import { decodePortStatus, portStatusConditions } from '../decoders/port-status.js';
import { DeviceGate, describeError, withDeadline } from '../device-io.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../transport.js';
import { DEFAULT_PRINTER_POLICY, type UsbPrinterMatch, type UsbPrinterPolicy } from '../usb/usb-printer-source.js';
import { usbIdHex } from '../usb-ids.js';
import {
  IOCTL_USBPRINT_GET_1284_ID,
  IOCTL_USBPRINT_GET_LPT_STATUS,
  IOCTL_USBPRINT_GET_PROTOCOL,
  USB_PRINTER_PROTOCOL_BIDI,
  USB_PRINTER_PROTOCOL_IPPOVERUSB,
  WIN32_ERROR,
  Win32Error,
  parseInterfacePath,
  type OtherPrinterFunction,
  type Win32Handle,
  type Win32Printers,
} from './win32-printers.js';

/** usbprint copies the 1284 ID into the caller's buffer; CiRIP/ez-reset and the DEVICE-PROTOCOLS note keep it ≤ 4094 bytes. */
const DEVICE_ID_BUFFER = 4094;
const PJL_READ_CHUNK = 512;
/** Our deadline runs past the one handed to the Win32 layer, so its own CancelIoEx normally ends a call first. */
const NATIVE_MARGIN_MS = 1000;
/** No hot-plug notification through the seam: the interface list is compared this often while watched. */
const DEFAULT_RESCAN_MS = 2000;

/** Errors CreateFileW gives while the spooler holds the printer for a job: busy, not broken. */
const BUSY_CODES: ReadonlySet<number> = new Set([WIN32_ERROR.sharingViolation, WIN32_ERROR.accessDenied, WIN32_ERROR.busy]);
/** Errors that mean the printer is gone (unplugged between enumeration and open). */
const GONE_CODES: ReadonlySet<number> = new Set([WIN32_ERROR.fileNotFound, WIN32_ERROR.pathNotFound, WIN32_ERROR.deviceNotConnected]);

/** How the Windows reader is put together; the Win32 layer is passed in (koffi on Windows, a fake in tests). */
export interface UsbPrintSourceOptions {
  win32: Win32Printers;
  /** Vendors whose printers we read; `'any'` reads every usbprint interface. */
  vendorIds: readonly number[] | 'any';
  policyFor?: (match: UsbPrinterMatch) => UsbPrinterPolicy;
  /** Time limit of each Win32 call (also handed to the layer, which cancels with CancelIoEx). */
  transferTimeoutMs?: number;
  rescanMs?: number;
  timers?: Timers;
}

/** Stable id: by serial where Windows' instance id is the USB serial, else by instance (one port). */
export function usbPrintId(path: string): string {
  const parts = parseInterfacePath(path);
  const where = parts.serial ? `sn-${parts.serial}` : parts.instance ? `inst-${parts.instance}` : `path-${path}`;
  return `usb-printer:${usbIdHex(parts.vendorId ?? 0)}:${usbIdHex(parts.productId ?? 0)}:${where}:usbprint`.slice(0, 200);
}

/**
 * USB printers bound to Windows' own usbprint.sys (the normal case, which `usb`/nusb cannot open:
 * its Windows backend is WinUSB only). Each read opens the interface with sharing allowed, asks the
 * protocol, the 1284 ID and the port status by IOCTL, sends PJL only where a profile allows it on a
 * bidirectional interface, and closes again, so the spooler keeps the printer between reads.
 */
export class UsbPrintSource implements DeviceSource {
  readonly name = 'usbprint';
  private readonly gates = new Map<string, DeviceGate>();
  private readonly lastIdentity = new Map<string, DeviceIdentity>();
  private readonly events = new Emitter<DeviceSourceEvent>();
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  private known = new Map<string, string>();
  private rescan: Disposable | undefined;
  private problemText: string | undefined;
  private others: OtherPrinterFunction[] = [];

  constructor(private readonly options: UsbPrintSourceOptions) {
    this.timers = options.timers ?? systemTimers;
    this.timeoutMs = options.transferTimeoutMs ?? 2000;
  }

  /** Why the list may be empty (enumeration failed), or undefined. */
  get problem(): string | undefined {
    return this.problemText;
  }

  /** Printer functions seen at the last list() that another class driver holds (Dot4, a vendor driver). */
  get otherClassPrinters(): readonly OtherPrinterFunction[] {
    return this.others;
  }

  async list(): Promise<DeviceSession[]> {
    const paths = await this.enumerate();
    if (!paths) return [];
    return paths.map((path) => this.session(path));
  }

  watch(listener: (event: DeviceSourceEvent) => void): Disposable {
    const subscription = this.events.on(listener);
    if (!this.rescan) {
      void this.enumerate().then((paths) => {
        if (paths) this.known = new Map(paths.map((path) => [usbPrintId(path), path]));
      });
      this.scheduleRescan();
    }
    return {
      dispose: () => {
        subscription.dispose();
        if (this.events.size === 0) {
          this.rescan?.dispose();
          this.rescan = undefined;
        }
      },
    };
  }

  private scheduleRescan(): void {
    this.rescan = this.timers.setTimeout(() => {
      void this.enumerate().then((paths) => {
        if (!this.rescan) return;
        if (paths) this.diff(paths);
        this.scheduleRescan();
      });
    }, this.options.rescanMs ?? DEFAULT_RESCAN_MS);
  }

  private diff(paths: string[]): void {
    const now = new Map(paths.map((path) => [usbPrintId(path), path]));
    for (const id of this.known.keys()) if (!now.has(id)) this.events.fire({ type: 'detached', id });
    for (const [id, path] of now) if (!this.known.has(id)) this.events.fire({ type: 'attached', session: this.session(path) });
    this.known = now;
  }

  /** The matching interface paths, or undefined when Windows could not enumerate (said in `problem`). */
  private async enumerate(): Promise<string[] | undefined> {
    let paths: string[];
    try {
      paths = await this.options.win32.listInterfaces();
      this.problemText = undefined;
    } catch (error) {
      this.problemText = `could not list usbprint interfaces: ${describeError(error)}`;
      return undefined;
    }
    this.others = await this.options.win32.listOtherPrinterFunctions().catch(() => []);
    const vendors = this.options.vendorIds;
    return paths.filter((path) => {
      if (vendors === 'any') return true;
      const vendorId = parseInterfacePath(path).vendorId;
      return vendorId !== undefined && vendors.includes(vendorId);
    });
  }

  private session(path: string): UsbPrintSession {
    const id = usbPrintId(path);
    let gate = this.gates.get(id);
    if (!gate) {
      gate = new DeviceGate(this.timers, this.timeoutMs + NATIVE_MARGIN_MS);
      this.gates.set(id, gate);
    }
    return new UsbPrintSession(id, path, gate, {
      win32: this.options.win32,
      timers: this.timers,
      timeoutMs: this.timeoutMs,
      policyFor: this.options.policyFor ?? (() => DEFAULT_PRINTER_POLICY),
      lastIdentity: this.lastIdentity,
    });
  }
}

interface SessionContext {
  win32: Win32Printers;
  timers: Timers;
  timeoutMs: number;
  policyFor: (match: UsbPrinterMatch) => UsbPrinterPolicy;
  lastIdentity: Map<string, DeviceIdentity>;
}

class UsbPrintSession implements DeviceSession {
  readonly transport = 'usb-printer' as const;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly path: string,
    private readonly gate: DeviceGate,
    private readonly ctx: SessionContext,
  ) {}

  read(signal: AbortSignal): Promise<DeviceReading> {
    if (this.closed) return Promise.reject(new Error(`${this.id} is closed`));
    return this.gate.run(`Reading printer ${this.id}`, signal, () => this.readDevice(signal));
  }

  async close(): Promise<void> {
    // Each read opens and closes the interface: nothing is held between reads.
    this.closed = true;
  }

  private step<T>(what: string, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
    return withDeadline(`${what} (${this.id})`, start, {
      timeoutMs: this.ctx.timeoutMs + NATIVE_MARGIN_MS,
      signal,
      timers: this.ctx.timers,
      onOrphan: (pending) => this.gate.orphan(pending),
    });
  }

  private async readDevice(signal: AbortSignal): Promise<DeviceReading> {
    const win32 = this.ctx.win32;
    const timeout = this.ctx.timeoutMs;
    let handle: Win32Handle;
    try {
      handle = await this.step('Opening the printer', signal, () => win32.open(this.path));
    } catch (error) {
      if (error instanceof Win32Error && BUSY_CODES.has(error.code)) return this.busyReading(error);
      if (error instanceof Win32Error && GONE_CODES.has(error.code))
        throw new Error(`${this.id}: the printer is no longer connected (${error.message})`);
      throw error;
    }
    const facts: Record<string, string> = {};
    const conditions: DeviceCondition[] = [];
    try {
      // The protocol first: an interface usbprint started in IPP-over-USB mode must not get PJL.
      const protocol = await this.step('Asking the interface protocol', signal, () =>
        win32.ioctl(handle, IOCTL_USBPRINT_GET_PROTOCOL, 4, timeout),
      ).then(
        (bytes) => (bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : undefined),
        (error: unknown) => {
          if (signal.aborted) throw error;
          // Windows before 10 1903 has no GET_PROTOCOL: then the protocol is unknown and we stay off the bulk channel.
          facts['Interface protocol'] = `not reported: ${describeError(error)}`;
          return undefined;
        },
      );
      if (protocol === USB_PRINTER_PROTOCOL_IPPOVERUSB) {
        facts['Interface protocol'] = 'IPP over USB: Windows talks IPP to this printer; its levels come through IPP, not PJL';
      }

      const idBytes = await this.step('Reading the IEEE 1284 Device ID', signal, () =>
        win32.ioctl(handle, IOCTL_USBPRINT_GET_1284_ID, DEVICE_ID_BUFFER, timeout),
      );
      const sources: DeviceIdentitySources = {};
      const identity = this.identityFrom(idBytes, facts, sources);
      this.ctx.lastIdentity.set(this.id, identity);

      const status = await this.step('Reading the port status', signal, () =>
        win32.ioctl(handle, IOCTL_USBPRINT_GET_LPT_STATUS, 1, timeout),
      );
      const decodedStatus = decodePortStatus(status);
      if (decodedStatus.ok) conditions.push(...portStatusConditions(decodedStatus.value));
      else facts['Port status'] = `unreadable: ${decodedStatus.unreadable}`;

      const parts = parseInterfacePath(this.path);
      const policy = this.ctx.policyFor({
        vendorId: parts.vendorId ?? 0,
        productId: parts.productId ?? 0,
        manufacturer: identity.manufacturer,
        model: identity.model,
      });
      if (policy.profile) facts['Profile'] = policy.profile;
      if (policy.pjl && protocol === USB_PRINTER_PROTOCOL_BIDI) await this.readPjl(handle, signal, conditions, facts);
      return { identity, conditions, supplies: [], facts, sources };
    } finally {
      await win32.close(handle).catch(() => undefined);
    }
  }

  /** The spooler holds the printer for a job: say so, with who it is from the last read (or its path). */
  private busyReading(error: Win32Error): DeviceReading {
    const parts = parseInterfacePath(this.path);
    const identity: DeviceIdentity = this.ctx.lastIdentity.get(this.id) ?? {
      manufacturer: '',
      model: 'USB printer',
      commandSet: [],
      ...(parts.vendorId !== undefined ? { vendorId: parts.vendorId } : {}),
      ...(parts.productId !== undefined ? { productId: parts.productId } : {}),
      ...(parts.serial ? { serial: parts.serial } : {}),
    };
    return {
      identity,
      conditions: [{ code: 'printing', severity: 'info', message: 'Busy — printing' }],
      supplies: [],
      facts: { Windows: `the printer is in use by a print job (Win32 error ${error.code}); it is read again when the job is done` },
    };
  }

  private identityFrom(bytes: Uint8Array, facts: Record<string, string>, sources: DeviceIdentitySources): DeviceIdentity {
    const parts = parseInterfacePath(this.path);
    const identity: DeviceIdentity = { manufacturer: '', model: 'USB printer', commandSet: [] };
    if (parts.vendorId !== undefined) identity.vendorId = parts.vendorId;
    if (parts.productId !== undefined) identity.productId = parts.productId;
    if (parts.serial) identity.serial = parts.serial;
    const parsed = parseDeviceIdPayload(bytes);
    if (!parsed.ok) {
      facts['Device ID'] = `unreadable: ${parsed.unreadable}`;
      return identity;
    }
    const id = parsed.value;
    sources.ieee1284 = id.fields;
    if (id.manufacturer) identity.manufacturer = id.manufacturer.slice(0, 200);
    if (id.model) identity.model = id.model.slice(0, 200);
    if (id.serial) identity.serial = id.serial.slice(0, 200);
    identity.commandSet = id.commandSet.map((command) => command.slice(0, 64)).slice(0, 64);
    return identity;
  }

  /** `@PJL INFO STATUS` on the bulk channel; reads until the form feed, an empty read or the size cap. */
  private async readPjl(
    handle: Win32Handle,
    signal: AbortSignal,
    conditions: DeviceCondition[],
    facts: Record<string, string>,
  ): Promise<void> {
    const win32 = this.ctx.win32;
    const timeout = this.ctx.timeoutMs;
    try {
      await this.step('Sending the PJL status request', signal, () => win32.write(handle, PJL_INFO_STATUS_REQUEST, timeout));
      const reply = await readPjlReply(() =>
        this.step('Reading the PJL status reply', signal, () => win32.read(handle, PJL_READ_CHUNK, timeout)),
      );
      const parsed = parsePjlStatus(reply);
      if (!parsed.ok) {
        facts['PJL status'] = `unreadable: ${parsed.unreadable}`;
        return;
      }
      conditions.push(...pjlConditions(parsed.value));
      if (parsed.value.display) facts['Display'] = parsed.value.display;
    } catch (error) {
      if (signal.aborted) throw error;
      facts['PJL status'] = `no reply: ${describeError(error)}`;
    }
  }
}
