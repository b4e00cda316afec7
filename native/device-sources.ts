import type { Disposable, Timers } from '../common/lifecycle.js';
import { HidSource } from './hid/hid-source.js';
import { IppDeviceSource } from './ipp/ipp-source.js';
import type { HidDeviceInfo } from './hid/hid-api.js';
import type { HidField } from './decoders/hid-descriptor.js';
import type { DeviceSource } from './transport.js';
import { UsbBus, type UsbApi } from './usb/usb-bus.js';
import { UsbPrinterSource, type UsbPrinterMatch, type UsbPrinterPolicy } from './usb/usb-printer-source.js';
import { createProfileLookup } from './profile-lookup.js';
import { builtinProfiles } from './profiles/builtin.js';
import type { HidApi } from './hid/hid-api.js';
import { CupsSource, identityFromDeviceUri } from './cups/cups-source.js';
import { explainOtherClassDriver } from './cli/devices-report.js';
import { explainUnreadablePrinter } from './windows/other-class-driver.js';
import type { UnreadablePrinter } from '../common/contract/devices.js';
import { lazyWin32 } from './windows/lazy-win32.js';
import { UsbPrintSource } from './windows/usbprint-source.js';
import type { Win32Printers } from './windows/win32-printers.js';
import type { DeviceSession, DeviceSourceEvent } from './transport.js';

/** What device profiles contribute to the real transports. */
export interface DeviceProfileLookup {
  /** PJL allowed, poll limits during jobs, for a printer matched by ids or 1284 MFG/MDL. */
  printerPolicy(match: UsbPrinterMatch): UsbPrinterPolicy;
  /** Report fields for a HID device whose descriptor the OS does not expose. */
  hidFields(info: HidDeviceInfo): HidField[] | undefined;
  /** A profile names this HID device (read even without a power/battery usage page). */
  hasHidProfile(info: HidDeviceInfo): boolean;
}

/** Which real devices to look for; normally from the branding config (vendorIds) and the bundled profiles. */
export interface DeviceSourcesConfig {
  /** USB vendor ids of the OEM's devices; `'any'` for support tools that list everything. */
  vendorIds: readonly number[] | 'any';
  /** What device profiles allow (PJL, poll limits during jobs); default: the bundled profiles. */
  profiles?: DeviceProfileLookup;
  /** IPP printer URIs the owner configured (network printers, IPP-over-USB through ipp-usb). */
  ippPrinters?: readonly string[];
  /** HID fallback rescan period (≥ 10 s). */
  hidRescanMs?: number;
  usbTransferTimeoutMs?: number;
  timers?: Timers;
  /**
   * The local CUPS scheduler (host:port), or false for none. Default: localhost:631 on macOS and
   * Linux, where CUPS holds USB printers; none on Windows.
   */
  cupsServer?: string | false;
  /** Read usbprint.sys printers (default: on Windows only). */
  usbprint?: boolean;
  /** Test seams: scripted fakes instead of the native modules. */
  loadWin32?: () => Promise<Win32Printers>;
  loadUsb?: () => Promise<UsbApi | { unavailable: string }>;
  loadHid?: () => Promise<HidApi | { unavailable: string }>;
}

/** The composed sources plus what the devices CLI needs to explain an empty list. */
export interface DeviceSources extends Disposable {
  sources: DeviceSource[];
  /** One sentence per source that cannot see devices here, e.g. "usb-printer: no USB bus on this machine". */
  problems(): string[];
  /** Printers this machine has that no source can read (Windows: bound to Dot4 or a vendor driver), in the panel's words. */
  unreadable(): UnreadablePrinter[];
}

/**
 * USB printer class + HID + IPP, sharing one USB bus object: its hot-plug events also tell the
 * HID source when to re-enumerate.
 */
export function createDeviceSources(config: DeviceSourcesConfig): DeviceSources {
  const bus = new UsbBus(config.loadUsb);
  const profiles = config.profiles ?? createProfileLookup(builtinProfiles());
  const printers = new UsbPrinterSource({
    bus,
    vendorIds: config.vendorIds,
    policyFor: (match) => profiles.printerPolicy(match),
    ...(config.usbTransferTimeoutMs !== undefined ? { transferTimeoutMs: config.usbTransferTimeoutMs } : {}),
    ...(config.timers ? { timers: config.timers } : {}),
  });
  const hid = new HidSource({
    vendorIds: config.vendorIds,
    usbChanges: { onChange: (listener) => bus.onChange(() => listener()) },
    fieldsFor: (info: HidDeviceInfo) => profiles.hidFields(info),
    isProfiled: (info: HidDeviceInfo) => profiles.hasHidProfile(info),
    ...(config.hidRescanMs !== undefined ? { rescanMs: config.hidRescanMs } : {}),
    ...(config.loadHid ? { loadApi: config.loadHid } : {}),
    ...(config.timers ? { timers: config.timers } : {}),
  });
  const cupsServer = config.cupsServer ?? (process.platform === 'darwin' || process.platform === 'linux' ? 'localhost:631' : false);
  const cups =
    cupsServer === false ? undefined : new CupsSource({ server: cupsServer, ...(config.timers ? { timers: config.timers } : {}) });
  const usbprint =
    (config.usbprint ?? process.platform === 'win32')
      ? new UsbPrintSource({
          win32: lazyWin32(config.loadWin32),
          vendorIds: config.vendorIds,
          policyFor: (match) => profiles.printerPolicy(match),
          ...(config.usbTransferTimeoutMs !== undefined ? { transferTimeoutMs: config.usbTransferTimeoutMs } : {}),
          ...(config.timers ? { timers: config.timers } : {}),
        })
      : undefined;
  // CUPS first: a USB printer CUPS holds is read through its queue, and the direct reader skips it.
  const sources: DeviceSource[] = [];
  if (cups) sources.push(cups);
  sources.push(cups ? withoutCupsHeld(printers, cups) : printers);
  if (usbprint) sources.push(usbprint);
  sources.push(hid);
  if (config.ippPrinters && config.ippPrinters.length > 0) {
    sources.push(new IppDeviceSource({ printers: config.ippPrinters, ...(config.timers ? { timers: config.timers } : {}) }));
  }
  return {
    sources,
    unreadable: () => (usbprint?.otherClassPrinters ?? []).map((other) => explainUnreadablePrinter(other, 'panel')),
    problems: () => {
      const problems: string[] = [];
      const state = printers.busState;
      if (state && !state.available) problems.push(`usb-printer: ${state.reason}`);
      if (cups?.problem) problems.push(`cups: ${cups.problem}`);
      if (usbprint?.problem) problems.push(`usbprint: ${usbprint.problem}`);
      for (const other of usbprint?.otherClassPrinters ?? []) problems.push(`usbprint: ${explainOtherClassDriver(other)}`);
      if (hid.problem) problems.push(`hid: ${hid.problem}`);
      else if (hid.scan && hid.scan.matched === 0) {
        const vendors = config.vendorIds === 'any' ? '' : ' of the configured vendors';
        problems.push(`hid: ${hid.scan.total} HID device(s) present, none is a UPS, battery or profiled device${vendors}`);
      }
      return problems;
    },
    dispose: () => bus.dispose(),
  };
}

/** USB serials of the printers CUPS queues hold (usb://Make/Model?serial=…), lower case. */
function cupsHeldSerials(cups: CupsSource): Set<string> {
  const serials = new Set<string>();
  for (const queue of cups.queues) {
    const serial = identityFromDeviceUri(queue.deviceUri)?.serial;
    if (serial) serials.add(serial.toLowerCase());
  }
  return serials;
}

function heldByCups(id: string, serials: ReadonlySet<string>): boolean {
  const serial = /:sn-([^:]+):/.exec(id)?.[1];
  return serial !== undefined && serials.has(serial.toLowerCase());
}

/**
 * The direct USB reader minus the printers a CUPS queue holds, so one printer is never shown
 * twice; the CUPS source must list before it (it does, being first in `sources`).
 */
export function withoutCupsHeld(usb: DeviceSource, cups: CupsSource): DeviceSource {
  return {
    name: usb.name,
    list: async () => {
      const serials = cupsHeldSerials(cups);
      return (await usb.list()).filter((session: DeviceSession) => !heldByCups(session.id, serials));
    },
    watch: (listener: (event: DeviceSourceEvent) => void) =>
      usb.watch((event) => {
        if (event.type === 'attached' && heldByCups(event.session.id, cupsHeldSerials(cups))) return;
        listener(event);
      }),
  };
}
