import type { DeviceCondition, DeviceIdentity, DeviceIdentitySources, DeviceReading } from '../../common/device.js';
import { systemClock, systemTimers, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import { parseDeviceIdPayload } from '../decoders/ieee1284.js';
import { PJL_INFO_STATUS_REQUEST, parsePjlStatus, pjlConditions } from '../decoders/pjl.js';
import { readPjlReply } from '../pjl-reply.js';
import { decodePortStatus, portStatusConditions } from '../decoders/port-status.js';
import { describeError } from '../../common/errors.js';
import { DeviceGate, withDeadline } from '../device-io.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../transport.js';
import { linuxInterfaceDriver } from './linux-sysfs.js';
import type { UsbBus, UsbBusState, UsbDeviceLike, UsbEndpointLike, UsbInResult } from './usb-bus.js';
import { usbIdHex } from '../usb-ids.js';

/** USB printer class (USB Device Class Definition for Printing Devices 1.1). */
const PRINTER_CLASS = 7;
const PRINTER_SUBCLASS = 1;
/** Interface protocols we read: 1 unidirectional, 2 bidirectional. 3 (IEEE 1284.4) needs a packet layer; 4 is IPP-over-USB, the IPP source's business. */
const PROTOCOL_UNIDIRECTIONAL = 1;
const PROTOCOL_BIDIRECTIONAL = 2;
const REQUEST_GET_DEVICE_ID = 0;
const REQUEST_GET_PORT_STATUS = 1;
/** CUPS and usblp ask for up to 1 KiB of Device ID; the 2-byte length prefix is not trusted. */
const DEVICE_ID_MAX = 1023;
const LINUX_EBUSY = /busy|errno 16\b|EBUSY/i;
/**
 * Our deadline runs this much past the time limit handed to the native transfer, so the native
 * call normally ends first: usb 3.1 keeps the device borrowed while a transfer runs, and any call
 * on it meanwhile throws "cannot be borrowed mutably".
 */
const NATIVE_MARGIN_MS = 1000;

/** What a device profile allows for one printer; decided from its ids and 1284 MFG/MDL. */
export interface UsbPrinterPolicy {
  /** Send `@PJL INFO STATUS` on the bulk endpoints (only printers known to answer it). */
  pjl: boolean;
  /** During a print job, at most one read per this many ms (status requests can mix into print data). */
  minIntervalDuringJobMs: number;
  /** Name of the matching profile, for diagnostics. */
  profile?: string;
}

/** Who a printer is before its Device ID has been read (for choosing a policy). */
export interface UsbPrinterMatch {
  vendorId: number;
  productId: number;
  manufacturer?: string;
  model?: string;
}

/** Without a profile: no PJL (an unknown printer may print the query as text), gentle during jobs. */
export const DEFAULT_PRINTER_POLICY: UsbPrinterPolicy = { pjl: false, minIntervalDuringJobMs: 30_000 };

/** Options of the USB printer source. */
export interface UsbPrinterSourceOptions {
  bus: UsbBus;
  /** Vendors whose printers we read; `'any'` reads every printer-class interface. */
  vendorIds: readonly number[] | 'any';
  policyFor?: (match: UsbPrinterMatch) => UsbPrinterPolicy;
  /** Time limit of each transfer (also passed to the native call). */
  transferTimeoutMs?: number;
  /** After a hot-plug attach, wait this long before the first read (default 1500 ms), see settle(). */
  settleMs?: number;
  /** Which kernel driver holds an interface; default: Linux sysfs. */
  kernelDriverOf?: (device: UsbDeviceLike, interfaceNumber: number) => Promise<string | undefined>;
  timers?: Timers;
  clock?: Clock;
}

/** A printer-class interface of one device. */
interface PrinterInterface {
  interfaceNumber: number;
  alternateSetting: number;
  protocol: number;
  configIndex: number;
  bulkIn?: UsbEndpointLike;
  bulkOut?: UsbEndpointLike;
}

/** Finds the printer-class interfaces we can read, preferring the bidirectional alternate (as CUPS does). */
export function findPrinterInterfaces(device: UsbDeviceLike): PrinterInterface[] {
  const configuration = device.configuration;
  if (!configuration) return [];
  const index = device.configurations?.findIndex((c) => c.configurationValue === configuration.configurationValue) ?? 0;
  const found: PrinterInterface[] = [];
  for (const iface of configuration.interfaces) {
    const alternates = iface.alternates.length > 0 ? iface.alternates : [iface.alternate];
    const candidates = alternates.filter(
      (alt) =>
        alt.interfaceClass === PRINTER_CLASS &&
        alt.interfaceSubclass === PRINTER_SUBCLASS &&
        (alt.interfaceProtocol === PROTOCOL_UNIDIRECTIONAL || alt.interfaceProtocol === PROTOCOL_BIDIRECTIONAL),
    );
    const best = candidates.find((alt) => alt.interfaceProtocol === PROTOCOL_BIDIRECTIONAL) ?? candidates[0];
    if (!best) continue;
    found.push({
      interfaceNumber: iface.interfaceNumber,
      alternateSetting: best.alternateSetting,
      protocol: best.interfaceProtocol,
      configIndex: Math.max(0, index),
      bulkIn: best.endpoints.find((e) => e.type === 'bulk' && e.direction === 'in'),
      bulkOut: best.endpoints.find((e) => e.type === 'bulk' && e.direction === 'out'),
    });
  }
  return found;
}

/** Stable id: by serial where the device has one (survives replugs), else by port path. */
export function usbPrinterId(device: UsbDeviceLike, interfaceNumber: number): string {
  const serial = safe(() => device.serialNumber) ?? '';
  const where = serial.trim() !== '' ? `sn-${serial.trim()}` : `port-${device.bus ?? '?'}-${(device.ports ?? []).join('.')}`;
  return `usb-printer:${usbIdHex(device.vendorId)}:${usbIdHex(device.productId)}:${where}:if${interfaceNumber}`;
}

/** Runs a native call for its effect, turning both a rejection and a synchronous throw into the error value. */
async function attempt(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error ?? new Error('failed');
  }
}

/** Where a device is, for matching its disconnect: usb 3.1's handle, else bus and address. */
function deviceKey(device: UsbDeviceLike): string {
  return device.handle ?? `${device.bus ?? '?'}/${device.address ?? '?'}`;
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}

function bytesOf(result: UsbInResult): Uint8Array | undefined {
  if (!result.data || result.status === 'stall') return undefined;
  return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
}

/** Reads USB printer-class devices through `usb` 3.1 (libusb-free nusb on Linux, WinUSB/IOKit elsewhere). */
export class UsbPrinterSource implements DeviceSource {
  readonly name = 'usb-printer';
  private readonly gates = new Map<string, DeviceGate>();
  private readonly lastReads = new Map<string, LastRead>();
  /** Session ids per device, so a disconnect (whose device can no longer be asked for its serial) maps back. */
  private readonly idsByDevice = new Map<string, string[]>();
  private readonly timers: Timers;
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(private readonly options: UsbPrinterSourceOptions) {
    this.timers = options.timers ?? systemTimers;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.transferTimeoutMs ?? 2000;
  }

  /** Why the list may be empty: the bus state (e.g. no USB bus on this machine). */
  get busState(): UsbBusState | undefined {
    return this.options.bus.state;
  }

  async list(): Promise<DeviceSession[]> {
    const devices = await this.options.bus.devices();
    return devices.flatMap((device) => this.sessionsFor(device));
  }

  watch(listener: (event: DeviceSourceEvent) => void): Disposable {
    // Learn the ids of what is attached now, so its unplug can be reported.
    void this.list();
    return this.options.bus.onChange((change) => {
      if (change.type === 'connect') {
        const notBefore = this.clock.now() + (this.options.settleMs ?? 1500);
        for (const session of this.sessionsFor(change.device, notBefore)) listener({ type: 'attached', session });
      } else {
        const key = deviceKey(change.device);
        const ids =
          this.idsByDevice.get(key) ??
          this.matchingInterfaces(change.device).map((iface) => usbPrinterId(change.device, iface.interfaceNumber));
        this.idsByDevice.delete(key);
        for (const id of ids) {
          this.lastReads.delete(id);
          listener({ type: 'detached', id });
        }
      }
    });
  }

  private matchingInterfaces(device: UsbDeviceLike): PrinterInterface[] {
    const vendors = this.options.vendorIds;
    if (vendors !== 'any' && !vendors.includes(device.vendorId)) return [];
    return safe(() => findPrinterInterfaces(device)) ?? [];
  }

  private sessionsFor(device: UsbDeviceLike, notBefore = 0): DeviceSession[] {
    const sessions = this.matchingInterfaces(device).map((iface) => {
      const id = usbPrinterId(device, iface.interfaceNumber);
      let gate = this.gates.get(id);
      if (!gate) {
        // Grace = one more transfer time: a native transfer gets the same limit, so it ends by then.
        gate = new DeviceGate(this.timers, this.timeoutMs + NATIVE_MARGIN_MS);
        this.gates.set(id, gate);
      }
      return new UsbPrinterSession(id, device, iface, gate, this, notBefore);
    });
    if (sessions.length > 0)
      this.idsByDevice.set(
        deviceKey(device),
        sessions.map((session) => session.id),
      );
    return sessions;
  }

  /** @internal Shared with the sessions. */
  context(): SessionContext {
    return {
      timers: this.timers,
      clock: this.clock,
      timeoutMs: this.timeoutMs,
      policyFor: this.options.policyFor ?? (() => DEFAULT_PRINTER_POLICY),
      lastReads: this.lastReads,
      kernelDriverOf: this.options.kernelDriverOf ?? linuxInterfaceDriver,
    };
  }
}

interface LastRead {
  at: number;
  reading: DeviceReading;
  jobActive: boolean;
  minIntervalDuringJobMs: number;
}

interface SessionContext {
  timers: Timers;
  clock: Clock;
  timeoutMs: number;
  policyFor: (match: UsbPrinterMatch) => UsbPrinterPolicy;
  lastReads: Map<string, LastRead>;
  kernelDriverOf: (device: UsbDeviceLike, interfaceNumber: number) => Promise<string | undefined>;
}

/** PJL status 10023 is "processing job" and 10007 "canceling job" (HP PJL Technical Reference). */
function jobActiveFrom(conditions: DeviceCondition[], pjlCode: number | undefined): boolean {
  if (pjlCode === 10023 || pjlCode === 10007) return true;
  return conditions.some((c) => c.code === 'printing' || c.code === 'processing');
}

class UsbPrinterSession implements DeviceSession {
  readonly transport = 'usb-printer' as const;
  private readonly ctx: SessionContext;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly device: UsbDeviceLike,
    private readonly iface: PrinterInterface,
    private readonly gate: DeviceGate,
    source: UsbPrinterSource,
    private readonly notBefore: number,
  ) {
    this.ctx = source.context();
  }

  read(signal: AbortSignal): Promise<DeviceReading> {
    // Closed means given back: a late read must not claim the interface from usblp again.
    if (this.closed) return Promise.reject(new Error(`${this.id} is closed`));
    return this.gate.run(`Reading printer ${this.id}`, signal, async () => {
      await this.settle(signal);
      const last = this.ctx.lastReads.get(this.id);
      // Never poll faster than the profile allows while a job prints: the status request can be
      // answered in the middle of print data (usblp.c's comment on polling during a job).
      if (last?.jobActive && this.ctx.clock.now() - last.at < last.minIntervalDuringJobMs) return last.reading;
      const result = await this.readDevice(signal);
      this.ctx.lastReads.set(this.id, {
        at: this.ctx.clock.now(),
        reading: result.reading,
        jobActive: result.jobActive,
        minIntervalDuringJobMs: result.policy.minIntervalDuringJobMs,
      });
      return result.reading;
    });
  }

  async close(): Promise<void> {
    // Each read opens, claims and gives the interface back, so nothing stays held between reads.
    this.closed = true;
  }

  /**
   * Right after a plug-in, udev is still loading and binding usblp. An interface we hold at that
   * moment cannot be bound, and the kernel does not retry, so printing through usblp would break
   * until the next replug: let the driver settle first.
   */
  private async settle(signal: AbortSignal): Promise<void> {
    const wait = this.notBefore - this.ctx.clock.now();
    if (wait <= 0) return;
    await withDeadline('settle', () => new Promise<never>(() => undefined), { timeoutMs: wait, signal, timers: this.ctx.timers }).catch(
      (error: unknown) => {
        if (signal.aborted) throw error;
      },
    );
  }

  private baseMatch(): UsbPrinterMatch {
    const match: UsbPrinterMatch = { vendorId: this.device.vendorId, productId: this.device.productId };
    const manufacturer = safe(() => this.device.manufacturerName);
    const model = safe(() => this.device.productName);
    if (manufacturer) match.manufacturer = manufacturer;
    if (model) match.model = model;
    return match;
  }

  private step<T>(what: string, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
    return withDeadline(`${what} (${this.id})`, start, {
      timeoutMs: this.ctx.timeoutMs + NATIVE_MARGIN_MS,
      signal,
      timers: this.ctx.timers,
      onOrphan: (pending) => this.gate.orphan(pending),
    });
  }

  private async readDevice(signal: AbortSignal): Promise<{ reading: DeviceReading; jobActive: boolean; policy: UsbPrinterPolicy }> {
    const device = this.device;
    const n = this.iface.interfaceNumber;
    const timeout = this.ctx.timeoutMs;
    const facts: Record<string, string> = {};
    const conditions: DeviceCondition[] = [];
    let detached = false;
    let claimed = false;
    const wasOpen = device.opened;
    if (!wasOpen) await this.step('Opening the device', signal, () => device.open());
    try {
      try {
        await this.step('Claiming the printer interface', signal, () => device.claimInterface(n));
        claimed = true;
      } catch (error) {
        // Linux: usblp holds the interface (EBUSY). Take it for this read and give it back after,
        // so /dev/usb/lp* and CUPS keep working.
        if (!LINUX_EBUSY.test(describeError(error))) throw error;
        const holder = await this.ctx.kernelDriverOf(device, n);
        if (holder === 'usbfs') {
          // Another program holds it through libusb (CUPS's usb backend while printing): taking
          // it would cut its job off. Report busy; the next poll tries again.
          throw new Error(`${this.id}: the printer interface is in use by another program (a print job?); try again later`);
        }
        await this.step('Detaching the kernel printer driver', signal, () => device.detachKernelDriver(n));
        detached = true;
        await this.step('Claiming the printer interface', signal, () => device.claimInterface(n));
        claimed = true;
      }
      if (this.iface.alternateSetting !== 0) {
        await this.step('Selecting the printer alternate setting', signal, () =>
          device.selectAlternateInterface(n, this.iface.alternateSetting),
        );
      }

      // GET_DEVICE_ID: wValue = configuration index, wIndex = interface << 8 | alternate setting.
      const idResult = await this.step('Reading the IEEE 1284 Device ID', signal, () =>
        device.controlTransferIn(
          {
            requestType: 'class',
            recipient: 'interface',
            request: REQUEST_GET_DEVICE_ID,
            value: this.iface.configIndex,
            index: (n << 8) | this.iface.alternateSetting,
          },
          DEVICE_ID_MAX,
          timeout,
        ),
      );
      const sources: DeviceIdentitySources = {};
      const identity = this.identityFrom(bytesOf(idResult), facts, sources);

      // GET_PORT_STATUS: one byte, wIndex = interface.
      const statusResult = await this.step('Reading the port status', signal, () =>
        device.controlTransferIn(
          { requestType: 'class', recipient: 'interface', request: REQUEST_GET_PORT_STATUS, value: 0, index: n },
          1,
          timeout,
        ),
      );
      const statusBytes = bytesOf(statusResult);
      if (statusBytes) {
        const status = decodePortStatus(statusBytes);
        if (status.ok) conditions.push(...portStatusConditions(status.value));
        else facts['Port status'] = `unreadable: ${status.unreadable}`;
      } else {
        facts['Port status'] = 'not reported (request stalled)';
      }

      // The profile can only be matched on MFG/MDL now that the Device ID is known.
      const policy = this.ctx.policyFor({ ...this.baseMatch(), manufacturer: identity.manufacturer, model: identity.model });
      if (policy.profile) facts['Profile'] = policy.profile;
      let pjlCode: number | undefined;
      if (policy.pjl && this.iface.protocol === PROTOCOL_BIDIRECTIONAL && this.iface.bulkIn && this.iface.bulkOut) {
        pjlCode = await this.readPjl(signal, conditions, facts);
      }
      const reading: DeviceReading = { identity, conditions, supplies: [], facts, sources };
      return { reading, jobActive: jobActiveFrom(conditions, pjlCode), policy };
    } finally {
      // Best effort, in order: the interface back, the kernel driver back, the device closed.
      if (claimed) await attempt(() => device.releaseInterface(n));
      if (detached) {
        const error = await attempt(() => device.attachKernelDriver(n));
        if (error) facts['Kernel driver'] = `could not be given back: ${describeError(error)}`;
      }
      if (!wasOpen) await attempt(() => device.close());
    }
  }

  private identityFrom(bytes: Uint8Array | undefined, facts: Record<string, string>, sources: DeviceIdentitySources): DeviceIdentity {
    const device = this.device;
    const identity: DeviceIdentity = {
      manufacturer: safe(() => device.manufacturerName) ?? '',
      model: safe(() => device.productName) ?? '',
      vendorId: device.vendorId,
      productId: device.productId,
      commandSet: [],
    };
    const usbSerial = safe(() => device.serialNumber);
    if (usbSerial) identity.serial = usbSerial;
    if (device.deviceVersionMajor !== undefined) {
      identity.firmware = `${device.deviceVersionMajor}.${device.deviceVersionMinor ?? 0}`;
    }
    if (!bytes) {
      facts['Device ID'] = 'not reported (request stalled)';
      return identity;
    }
    const parsed = parseDeviceIdPayload(bytes);
    if (!parsed.ok) {
      facts['Device ID'] = `unreadable: ${parsed.unreadable}`;
      return identity;
    }
    const id = parsed.value;
    sources.ieee1284 = id.fields;
    if (id.manufacturer) identity.manufacturer = id.manufacturer;
    if (id.model) identity.model = id.model;
    if (id.serial) identity.serial = id.serial;
    identity.commandSet = id.commandSet.slice(0, 64);
    return identity;
  }

  /** Sends `@PJL INFO STATUS` and reads the reply up to its form feed; a missing reply is a fact, not a failure. */
  private async readPjl(signal: AbortSignal, conditions: DeviceCondition[], facts: Record<string, string>): Promise<number | undefined> {
    const out = this.iface.bulkOut as UsbEndpointLike;
    const inEp = this.iface.bulkIn as UsbEndpointLike;
    const timeout = this.ctx.timeoutMs;
    try {
      await this.step('Sending the PJL status request', signal, () =>
        this.device.transferOut(out.endpointNumber, PJL_INFO_STATUS_REQUEST, timeout),
      );
      const reply = await readPjlReply(async () =>
        bytesOf(
          await this.step('Reading the PJL status reply', signal, () =>
            this.device.transferIn(inEp.endpointNumber, Math.max(inEp.packetSize, 512), timeout),
          ),
        ),
      );
      const parsed = parsePjlStatus(reply);
      if (!parsed.ok) {
        facts['PJL status'] = `unreadable: ${parsed.unreadable}`;
        return undefined;
      }
      conditions.push(...pjlConditions(parsed.value));
      if (parsed.value.display) facts['Display'] = parsed.value.display;
      return parsed.value.code;
    } catch (error) {
      if (signal.aborted) throw error;
      facts['PJL status'] = `no reply: ${describeError(error)}`;
      return undefined;
    }
  }
}
