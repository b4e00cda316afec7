import type { DeviceReading, TransportKind } from '../common/device.js';
import type { Disposable } from '../common/lifecycle.js';

export type { Disposable } from '../common/lifecycle.js';

/**
 * One open line to one device. Every real transport (usb printer class, HID, IPP) and every
 * simulated device implements this, so the monitor and the tests cannot tell them apart.
 */
export interface DeviceSession {
  /** Stable across polls and, where the device has a serial, across replugs. */
  readonly id: string;
  readonly transport: TransportKind;
  /**
   * Reads identity, status and supplies once. Must honour `signal` (the monitor aborts on its
   * timeout) and must not be called again before the previous call settled.
   */
  read(signal: AbortSignal): Promise<DeviceReading>;
  /** Releases the device (gives an interface back to the kernel driver, closes the HID handle). */
  close(): Promise<void>;
}

/** Attach and detach, as they happen; never by enumerating in a loop. */
export type DeviceSourceEvent = { type: 'attached'; session: DeviceSession } | { type: 'detached'; id: string };

/** A kind of device discovery: lists what is attached now and reports hot-plug. */
export interface DeviceSource {
  readonly name: string;
  /** What is attached now. A machine without the bus (no USB here) answers `[]`, never throws. */
  list(): Promise<DeviceSession[]>;
  /** Hot-plug events; a source without hot-plug returns a no-op disposable. */
  watch(listener: (event: DeviceSourceEvent) => void): Disposable;
}
