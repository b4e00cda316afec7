import { Emitter, type Disposable } from '../../common/lifecycle.js';
import { describeError } from '../../common/errors.js';

// The part of `usb` 3.1's WebUSB API this project uses, as structural types, so unit tests can
// script a fake bus and the real module is only loaded when a source first needs it.

/** One endpoint of an interface alternate setting. */
export interface UsbEndpointLike {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous' | string;
  packetSize: number;
}

/** One alternate setting of an interface. */
export interface UsbAlternateLike {
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  endpoints: UsbEndpointLike[];
}

/** One interface of a configuration. */
export interface UsbInterfaceLike {
  interfaceNumber: number;
  alternate: UsbAlternateLike;
  alternates: UsbAlternateLike[];
}

/** One configuration of a device. */
export interface UsbConfigurationLike {
  configurationValue: number;
  interfaces: UsbInterfaceLike[];
}

/** Setup packet fields of a control transfer, WebUSB style. */
export interface UsbControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

/** What a WebUSB IN transfer resolves to. */
export interface UsbInResult {
  data?: DataView | undefined;
  status?: string | undefined;
}

/** A device as `usb` 3.1 presents it (WebUSB USBDevice plus the Linux kernel-driver calls). */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturerName?: string | null | undefined;
  readonly productName?: string | null | undefined;
  readonly serialNumber?: string | null | undefined;
  readonly deviceVersionMajor?: number;
  readonly deviceVersionMinor?: number;
  readonly bus?: string;
  readonly ports?: number[];
  readonly address?: number;
  /** usb 3.1's key for the device; the same string arrives with its disconnect. */
  readonly handle?: string;
  readonly opened: boolean;
  readonly configuration?: UsbConfigurationLike | null | undefined;
  readonly configurations?: UsbConfigurationLike[] | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void>;
  controlTransferIn(setup: UsbControlSetup, length: number, timeout?: number): Promise<UsbInResult>;
  transferIn(endpointNumber: number, length: number, timeout?: number): Promise<UsbInResult>;
  transferOut(endpointNumber: number, data: Uint8Array, timeout?: number): Promise<{ bytesWritten?: number; status?: string }>;
  detachKernelDriver(interfaceNumber: number): Promise<void>;
  attachKernelDriver(interfaceNumber: number): Promise<void>;
}

/** The connect/disconnect event of WebUSB. */
export interface UsbConnectionEventLike {
  device: UsbDeviceLike;
}

/** The bus object (`new WebUSB(...)`). */
export interface UsbApi {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: UsbConnectionEventLike) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: UsbConnectionEventLike) => void): void;
}

/** Loads the real `usb` module; a missing or broken native build is reported, not thrown. */
export async function loadUsbApi(): Promise<UsbApi | { unavailable: string }> {
  try {
    const mod = (await import('usb')) as unknown as {
      WebUSB: new (options: { allowAllDevices: boolean }) => unknown;
    };
    // A private WebUSB instance: its listeners and device cache are ours alone.
    return new mod.WebUSB({ allowAllDevices: true }) as UsbApi;
  } catch (error) {
    return { unavailable: `the usb module could not load (${describeError(error)})` };
  }
}

/** A hot-plug change on the bus. */
export type UsbBusChange = { type: 'connect' | 'disconnect'; device: UsbDeviceLike };

/** Whether the bus can be used, and if not, why (for the devices CLI and diagnostics). */
export type UsbBusState = { available: true } | { available: false; reason: string };

/**
 * Owns the one `usb` bus object: guarded enumeration and hot-plug shared by the printer source
 * and (as a re-enumerate signal) the HID source.
 *
 * The guard matters: on a machine without /sys/bus/usb, usb 3.1's getDevices() rejects, and
 * WebUSB.addEventListener() starts its own getDevices() with no rejection handler, so merely
 * subscribing kills Node with an unhandled rejection. We therefore probe getDevices() first and
 * subscribe only when it worked.
 */
export class UsbBus implements Disposable {
  private api: Promise<UsbApi | { unavailable: string }> | undefined;
  private lastState: UsbBusState | undefined;
  private readonly changes = new Emitter<UsbBusChange>();
  private subscribed:
    { api: UsbApi; onConnect: (e: UsbConnectionEventLike) => void; onDisconnect: (e: UsbConnectionEventLike) => void } | undefined;
  private subscribing: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly load: () => Promise<UsbApi | { unavailable: string }> = loadUsbApi) {}

  /** The last known state; undefined until the first enumeration. */
  get state(): UsbBusState | undefined {
    return this.lastState;
  }

  /** All devices on the bus; `[]` (with `state` saying why) when there is no usable bus. */
  async devices(): Promise<UsbDeviceLike[]> {
    const api = await this.getApi();
    if ('unavailable' in api) {
      this.lastState = { available: false, reason: api.unavailable };
      return [];
    }
    try {
      const devices = await api.getDevices();
      this.lastState = { available: true };
      return devices;
    } catch (error) {
      this.lastState = { available: false, reason: explainBusError(error) };
      return [];
    }
  }

  /** Subscribes to connect/disconnect; the native listener exists only while someone listens. */
  onChange(listener: (change: UsbBusChange) => void): Disposable {
    const subscription = this.changes.on(listener);
    this.subscribing ??= this.ensureSubscribed().finally(() => {
      this.subscribing = undefined;
    });
    return {
      dispose: () => {
        subscription.dispose();
        if (this.changes.size === 0) this.unsubscribe();
      },
    };
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
  }

  private getApi(): Promise<UsbApi | { unavailable: string }> {
    this.api ??= this.load().catch((error: unknown) => ({ unavailable: describeError(error) }));
    return this.api;
  }

  /** Resolves once hot-plug listening is set up (true) or known to be impossible (false). */
  async hotplugReady(): Promise<boolean> {
    await this.subscribing;
    return this.subscribed !== undefined;
  }

  private async ensureSubscribed(): Promise<void> {
    if (this.subscribed || this.disposed) return;
    const api = await this.getApi();
    if ('unavailable' in api) {
      this.lastState = { available: false, reason: api.unavailable };
      return;
    }
    // The probe: see the class comment. Without a bus there are no hot-plug events to hear.
    try {
      await api.getDevices();
      this.lastState = { available: true };
    } catch (error) {
      this.lastState = { available: false, reason: explainBusError(error) };
      return;
    }
    // A listener may have come and gone while we were probing.
    if (this.disposed || this.changes.size === 0) return;
    const onConnect = (event: UsbConnectionEventLike): void => this.changes.fire({ type: 'connect', device: event.device });
    const onDisconnect = (event: UsbConnectionEventLike): void => this.changes.fire({ type: 'disconnect', device: event.device });
    try {
      api.addEventListener('connect', onConnect);
      api.addEventListener('disconnect', onDisconnect);
      this.subscribed = { api, onConnect, onDisconnect };
    } catch (error) {
      this.lastState = { available: false, reason: `hot-plug unavailable: ${describeError(error)}` };
    }
  }

  private unsubscribe(): void {
    const subscribed = this.subscribed;
    if (!subscribed) return;
    this.subscribed = undefined;
    try {
      subscribed.api.removeEventListener('connect', subscribed.onConnect);
      subscribed.api.removeEventListener('disconnect', subscribed.onDisconnect);
    } catch {
      // Removing a listener from a bus that went away has nothing left to release.
    }
  }
}

/** Turns usb 3.1's enumeration error into a sentence: "no USB bus" is the common case. */
export function explainBusError(error: unknown): string {
  const message = describeError(error);
  if (/\/sys\/bus\/usb|not found|ENOENT|errno 2\b/i.test(message)) {
    return `no USB bus on this machine (${message})`;
  }
  if (/permission|EACCES|errno 13\b/i.test(message)) {
    return `no permission to read the USB bus (${message}); on Linux a udev rule for the device grants it`;
  }
  return `the USB bus could not be read (${message})`;
}
