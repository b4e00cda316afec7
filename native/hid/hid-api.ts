import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeError } from '../../common/errors.js';
import { missingLibraryAdvice } from './missing-library.js';

// The part of node-hid 3.4's async API this project uses, as structural types, so unit tests can
// script fake devices and the native module is only loaded when a source first needs it.

/** What `HID.devicesAsync()` lists for one device (one entry per top-level collection on Linux). */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release?: number;
  interface?: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/** An open device (`HID.HIDAsync`). */
export interface HidHandle {
  getFeatureReport(reportId: number, reportLength: number): Promise<Uint8Array | number[]>;
  close(): Promise<void>;
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

/** Enumerate and open. */
export interface HidApi {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

/** Loads the real node-hid; a missing or broken native build is reported, not thrown. */
export async function loadHidApi(): Promise<HidApi | { unavailable: string }> {
  try {
    const mod = (await import('node-hid')) as unknown as {
      devicesAsync(): Promise<HidDeviceInfo[]>;
      HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<HidHandle> };
    };
    return {
      devices: () => mod.devicesAsync(),
      // nonExclusive: macOS otherwise seizes the device from the OS's own power management.
      open: (path) => mod.HIDAsync.open(path, { nonExclusive: true }),
    };
  } catch (error) {
    const advice = missingLibraryAdvice(error);
    return {
      unavailable: advice ? `HID devices cannot be listed: ${advice}` : `the node-hid module could not load (${describeError(error)})`,
    };
  }
}

/**
 * The report descriptor where the OS exposes it. node-hid 3.4 has no getReportDescriptor; Linux
 * publishes the raw descriptor in sysfs next to each hidraw node. Elsewhere: undefined, and the
 * device's profile must name its reports and fields.
 */
export async function readSysfsReportDescriptor(info: HidDeviceInfo): Promise<Uint8Array | undefined> {
  const path = info.path;
  if (process.platform !== 'linux' || !path || !/^\/dev\/hidraw\d+$/.test(path)) return undefined;
  try {
    const bytes = await readFile(`/sys/class/hidraw/${basename(path)}/device/report_descriptor`);
    return bytes.length > 0 ? new Uint8Array(bytes) : undefined;
  } catch {
    return undefined;
  }
}
