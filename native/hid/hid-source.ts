import type { DeviceIdentity, DeviceReading, HidDescriptorSummary } from '../../common/device.js';
import { systemTimers, type Disposable, type Timers } from '../../common/lifecycle.js';
import { classifySupply } from '../../common/supply.js';
import { parseReportDescriptor, type HidField } from '../decoders/hid-descriptor.js';
import { summarizeHidFields } from '../decoders/hid-summary.js';
import { mapPowerDevice } from '../decoders/hid-power.js';
import { readField } from '../decoders/hid-report.js';
import { describeError } from '../../common/errors.js';
import { DeviceGate, withDeadline } from '../device-io.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../transport.js';
import { loadHidApi, readSysfsReportDescriptor, type HidApi, type HidDeviceInfo, type HidHandle } from './hid-api.js';
import { missingLibraryAdvice } from './missing-library.js';
import { usbIdHex } from '../usb-ids.js';

/** Usage pages of UPSes and batteries (HID Power Device spec, pages 0x84 and 0x85). */
const POWER_DEVICE_PAGE = 0x84;
const BATTERY_SYSTEM_PAGE = 0x85;
/** Generic Device Controls 0x06, usage 0x20 Battery Strength: keyboards, mice, headsets. */
const GENERIC_DEVICE_PAGE = 0x06;
const BATTERY_STRENGTH = 0x20;
/** Rescans below this would enumerate the HID tree all the time for nothing (see watch()). */
const MIN_RESCAN_MS = 10_000;
/** After a USB connect the hidraw node appears once the HID driver has bound: look twice. */
const RESCAN_AFTER_USB_CHANGE_MS = [400, 2000] as const;
/** A report descriptor never has more report ids than this in practice; more is a broken descriptor. */
const MAX_FEATURE_REPORTS = 32;

/** Report ids and fields a profile names for a device whose descriptor the OS does not expose. */
export type HidFieldsFor = (info: HidDeviceInfo) => HidField[] | undefined;

/** A signal that the set of USB devices changed (the UsbBus), used to re-enumerate HID. */
export interface ChangeSignal {
  onChange(listener: () => void): Disposable;
}

/** Options of the HID source. */
export interface HidSourceOptions {
  /** Vendors whose devices we read; `'any'` reads every power/battery device. */
  vendorIds: readonly number[] | 'any';
  /** Devices a profile describes are read even without a power/battery usage page. */
  isProfiled?: (info: HidDeviceInfo) => boolean;
  fieldsFor?: HidFieldsFor;
  loadApi?: () => Promise<HidApi | { unavailable: string }>;
  readDescriptor?: (info: HidDeviceInfo) => Promise<Uint8Array | undefined>;
  /** USB hot-plug, used as the trigger to re-enumerate. */
  usbChanges?: ChangeSignal;
  /** Fallback rescan period; at least 10 s. */
  rescanMs?: number;
  /** Time limit of each request. hidraw feature requests can block up to the kernel's 5 s. */
  requestTimeoutMs?: number;
  /** How long a first read waits for the device's first input report. */
  firstInputWaitMs?: number;
  timers?: Timers;
}

/** Stable id: by serial where the device has one, else by OS path (which changes on replug). */
export function hidDeviceId(info: HidDeviceInfo): string {
  const serial = info.serialNumber?.trim();
  const where = serial ? `sn-${serial}` : `path-${info.path ?? '?'}`;
  return `hid:${usbIdHex(info.vendorId)}:${usbIdHex(info.productId)}:${where}`;
}

function isPowerUsage(info: HidDeviceInfo): boolean {
  const page = info.usagePage ?? 0;
  if (page === POWER_DEVICE_PAGE || page === BATTERY_SYSTEM_PAGE) return true;
  return page === GENERIC_DEVICE_PAGE && info.usage === BATTERY_STRENGTH;
}

/** Buffer size for a feature report: its fields' last bit, plus the report-id byte hidapi always puts first. */
export function reportLength(fields: readonly HidField[], reportId: number): number {
  let bits = 0;
  for (const field of fields) {
    if (field.reportId === reportId) bits = Math.max(bits, field.bitOffset + field.bitSize);
  }
  return Math.ceil(bits / 8) + 1;
}

/** Reads HID batteries and UPSes through node-hid (hidraw on Linux, hid.dll on Windows, IOKit on macOS). */
export class HidSource implements DeviceSource {
  readonly name = 'hid';
  private api: Promise<HidApi | { unavailable: string }> | undefined;
  private lastProblem: string | undefined;
  private lastScan: { total: number; matched: number } | undefined;
  private readonly timers: Timers;
  private readonly sessions = new Map<string, HidSession>();

  constructor(private readonly options: HidSourceOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  /** Why the list may be empty (node-hid did not load, enumeration failed); undefined when fine. */
  get problem(): string | undefined {
    return this.lastProblem;
  }

  /** Counts of the last enumeration: every HID device the OS listed, and those we read. */
  get scan(): { total: number; matched: number } | undefined {
    return this.lastScan;
  }

  async list(): Promise<DeviceSession[]> {
    const infos = await this.enumerate();
    return infos.map((info) => this.sessionFor(info));
  }

  /**
   * node-hid has no hot-plug events. USB HID devices are USB devices, so the USB bus's
   * connect/disconnect (udev on Linux) is our cue to re-enumerate, shortly after the event. A slow
   * fallback rescan (≥ 10 s) catches what the USB bus cannot see: Bluetooth and other non-USB HID,
   * and machines where USB hot-plug is unavailable. Once a minute: a Bluetooth battery showing up
   * a minute late is fine for a tray app, and an idle app should wake as rarely as it can (the idle
   * benchmark counts wake-ups); a faster loop would be the "enumerate in a loop" the transport
   * contract warns against.
   */
  watch(listener: (event: DeviceSourceEvent) => void): Disposable {
    let known: Map<string, HidDeviceInfo> | undefined;
    let disposed = false;
    let scanning: Promise<void> = Promise.resolve();
    const timers = new Set<Disposable>();
    const rescan = (): void => {
      scanning = scanning.then(async () => {
        if (disposed) return;
        const infos = await this.enumerate();
        if (disposed) return;
        const now = new Map(infos.map((info) => [hidDeviceId(info), info]));
        if (known) {
          for (const [id] of known) {
            if (!now.has(id)) {
              this.forget(id);
              listener({ type: 'detached', id });
            }
          }
          for (const [id, info] of now) {
            if (!known.has(id)) listener({ type: 'attached', session: this.sessionFor(info) });
          }
        }
        known = now;
      });
    };
    const period = Math.max(MIN_RESCAN_MS, this.options.rescanMs ?? 60_000);
    // Each timer removes itself when it fires, so a long-running watch holds only what is pending.
    const later = (callback: () => void, delay: number): void => {
      const timer = this.timers.setTimeout(() => {
        timers.delete(timer);
        callback();
      }, delay);
      timers.add(timer);
    };
    const schedulePeriodic = (): void =>
      later(() => {
        rescan();
        schedulePeriodic();
      }, period);
    rescan();
    schedulePeriodic();
    const usb = this.options.usbChanges?.onChange(() => {
      for (const delay of RESCAN_AFTER_USB_CHANGE_MS) later(rescan, delay);
    });
    return {
      dispose: () => {
        disposed = true;
        usb?.dispose();
        for (const timer of timers) timer.dispose();
        timers.clear();
      },
    };
  }

  private async getApi(): Promise<HidApi | { unavailable: string }> {
    this.api ??= (this.options.loadApi ?? loadHidApi)().catch((error: unknown) => ({ unavailable: describeError(error) }));
    return this.api;
  }

  private async enumerate(): Promise<HidDeviceInfo[]> {
    const api = await this.getApi();
    if ('unavailable' in api) {
      this.lastProblem = api.unavailable;
      return [];
    }
    let infos: HidDeviceInfo[];
    try {
      infos = await api.devices();
      this.lastProblem = undefined;
    } catch (error) {
      const advice = missingLibraryAdvice(error);
      this.lastProblem = advice ? `HID devices cannot be listed: ${advice}` : `HID devices could not be listed (${describeError(error)})`;
      return [];
    }
    const vendors = this.options.vendorIds;
    const byId = new Map<string, HidDeviceInfo>();
    for (const info of infos) {
      if (!info.path) continue;
      if (vendors !== 'any' && !vendors.includes(info.vendorId)) continue;
      if (!isPowerUsage(info) && !this.options.isProfiled?.(info)) continue;
      // hidapi lists one entry per top-level collection; they share the path.
      const id = hidDeviceId(info);
      if (!byId.has(id)) byId.set(id, info);
    }
    this.lastScan = { total: new Set(infos.map((info) => info.path)).size, matched: byId.size };
    return [...byId.values()];
  }

  private sessionFor(info: HidDeviceInfo): HidSession {
    const id = hidDeviceId(info);
    const existing = this.sessions.get(id);
    if (existing && existing.path === info.path) return existing;
    const session = new HidSession(
      id,
      info,
      this.options,
      this.timers,
      () => this.getApi(),
      () => this.sessions.delete(id),
    );
    this.sessions.set(id, session);
    return session;
  }

  private forget(id: string): void {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    void session?.close();
  }
}

class HidSession implements DeviceSession {
  readonly transport = 'hid' as const;
  readonly path: string | undefined;
  private readonly gate: DeviceGate;
  private handle: HidHandle | undefined;
  private fields: HidField[] | undefined;
  /** The descriptor in summary for diagnostics; made once with the fields, not on every poll. */
  private summary: HidDescriptorSummary | undefined;
  private fieldsNote: string | undefined;
  /** Latest input report per report id, from the interrupt-in stream: a UPS sends changes there. */
  private readonly inputs = new Map<number, Uint8Array>();
  private firstInput: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly info: HidDeviceInfo,
    private readonly options: HidSourceOptions,
    private readonly timers: Timers,
    private readonly api: () => Promise<HidApi | { unavailable: string }>,
    private readonly onClosed: () => void,
  ) {
    this.path = info.path;
    this.timeoutMs = options.requestTimeoutMs ?? 6000;
    this.gate = new DeviceGate(timers, this.timeoutMs);
  }

  read(signal: AbortSignal): Promise<DeviceReading> {
    // A read after close would open a handle nobody closes any more.
    if (this.closed) return Promise.reject(new Error(`${this.id} is closed`));
    return this.gate.run(`Reading ${this.id}`, signal, () => this.readOnce(signal));
  }

  async close(): Promise<void> {
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    this.onClosed();
    if (handle) {
      handle.removeAllListeners('data');
      await handle.close().catch(() => undefined);
    }
  }

  private step<T>(what: string, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
    return withDeadline(`${what} (${this.id})`, start, {
      timeoutMs: this.timeoutMs,
      signal,
      timers: this.timers,
      onOrphan: (pending) => this.gate.orphan(pending),
    });
  }

  private async readOnce(signal: AbortSignal): Promise<DeviceReading> {
    const fields = await this.loadFields();
    const handle = await this.open(signal);
    const facts: Record<string, string> = {};
    if (this.fieldsNote) facts['Report descriptor'] = this.fieldsNote;

    if (fields.some((f) => f.reportType === 'input') && this.inputs.size === 0 && this.firstInput) {
      // Input reports arrive only when the device sends them; give a freshly opened device a moment.
      await this.waitFirstInput(signal);
    }

    const featureIds = [...new Set(fields.filter((f) => f.reportType === 'feature').map((f) => f.reportId))].slice(0, MAX_FEATURE_REPORTS);
    const features = new Map<number, Uint8Array>();
    const failed: string[] = [];
    for (const [index, reportId] of featureIds.entries()) {
      try {
        const data = await this.step(`Reading feature report ${reportId}`, signal, () =>
          handle.getFeatureReport(reportId, reportLength(fields, reportId)),
        );
        const bytes = Uint8Array.from(data);
        // hidapi puts the report id first even for unnumbered reports (a 0 byte); readField
        // expects the bare report then.
        features.set(reportId, reportId === 0 ? bytes.subarray(1) : bytes);
      } catch (error) {
        if (signal.aborted) throw error;
        failed.push(`${reportId} (${describeError(error)})`);
        if (error instanceof Error && error.name === 'DeviceTimeoutError') {
          // The device stopped answering and its request is still pending: ask nothing more now
          // (one request in flight), and reopen on the next read in case the handle is wedged.
          if (index + 1 < featureIds.length) failed.push(`${featureIds.slice(index + 1).join(', ')} (not asked after the timeout)`);
          await this.dropHandle();
          break;
        }
      }
    }
    if (featureIds.length > 0 && features.size === 0 && this.inputs.size === 0) {
      throw new Error(`${this.id}: no report could be read: ${failed.join('; ')}`);
    }
    if (failed.length > 0) facts['Unread reports'] = failed.join('; ').slice(0, 200);

    const values = (field: HidField): number | undefined => {
      const report =
        field.reportType === 'feature'
          ? features.get(field.reportId)
          : field.reportType === 'input'
            ? this.inputs.get(field.reportId)
            : undefined;
      if (!report) return undefined;
      const value = readField(report, field);
      return value.ok ? value.value : undefined;
    };
    const mapped = mapPowerDevice(fields, values);
    return {
      identity: this.identity(),
      conditions: mapped.conditions,
      supplies: mapped.supplies.map(classifySupply),
      facts: { ...mapped.facts, ...facts },
      sources: { hid: (this.summary ??= summarizeHidFields(fields)) },
    };
  }

  private identity(): DeviceIdentity {
    const info = this.info;
    const identity: DeviceIdentity = {
      manufacturer: info.manufacturer?.trim() ?? '',
      model: info.product?.trim() ?? '',
      vendorId: info.vendorId,
      productId: info.productId,
      commandSet: [],
    };
    if (info.serialNumber?.trim()) identity.serial = info.serialNumber.trim();
    if (info.release !== undefined) identity.firmware = `${info.release >> 8}.${(info.release & 0xff).toString(16).padStart(2, '0')}`;
    return identity;
  }

  private async loadFields(): Promise<HidField[]> {
    if (this.fields) return this.fields;
    const descriptor = await (this.options.readDescriptor ?? readSysfsReportDescriptor)(this.info);
    if (descriptor) {
      const parsed = parseReportDescriptor(descriptor);
      if (parsed.ok) {
        this.fields = parsed.value;
        return this.fields;
      }
      this.fieldsNote = `unreadable: ${parsed.unreadable}`;
    }
    const profiled = this.options.fieldsFor?.(this.info);
    if (profiled && profiled.length > 0) {
      this.fields = profiled;
      return this.fields;
    }
    throw new Error(
      `${this.id}: the report descriptor is ${descriptor ? 'unreadable' : 'not available on this system'} and no device profile names its reports` +
        (this.fieldsNote ? ` (${this.fieldsNote})` : ''),
    );
  }

  private async open(signal: AbortSignal): Promise<HidHandle> {
    if (this.handle) return this.handle;
    const api = await this.api();
    if ('unavailable' in api) throw new Error(api.unavailable);
    const path = this.info.path;
    if (!path) throw new Error(`${this.id}: the OS gave no path to open`);
    let resolveFirst!: () => void;
    const promise = new Promise<void>((resolve) => {
      resolveFirst = resolve;
    });
    this.firstInput = { promise, resolve: resolveFirst };
    const handle = await this.step('Opening the device', signal, () => api.open(path));
    if (this.closed) {
      // Closed while the open was under way: give the handle straight back.
      await handle.close().catch(() => undefined);
      throw new Error(`${this.id} is closed`);
    }
    handle.on('data', (data: Uint8Array) => this.onInput(Uint8Array.from(data)));
    handle.on('error', () => {
      // Unplugged or reset: the next read reopens (or the source reports it detached).
      if (this.handle === handle) void this.dropHandle();
    });
    this.handle = handle;
    return handle;
  }

  private onInput(data: Uint8Array): void {
    if (data.length === 0) return;
    const numbered = this.fields?.some((f) => f.reportId !== 0) ?? true;
    const reportId = numbered ? (data[0] as number) : 0;
    this.inputs.set(reportId, data);
    this.firstInput?.resolve();
  }

  private async waitFirstInput(signal: AbortSignal): Promise<void> {
    const first = this.firstInput;
    this.firstInput = undefined;
    if (!first) return;
    const wait = this.options.firstInputWaitMs ?? 500;
    await withDeadline('first input report', () => first.promise, { timeoutMs: wait, signal, timers: this.timers }).catch(
      (error: unknown) => {
        if (signal.aborted) throw error;
      },
    );
  }

  private async dropHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.inputs.clear();
    if (handle) {
      handle.removeAllListeners('data');
      await handle.close().catch(() => undefined);
    }
  }
}
