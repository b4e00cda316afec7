import type { Clock, Disposable } from '../common/lifecycle.js';
import { createDeviceSources, type DeviceSourcesConfig } from '../native/device-sources.js';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import type { DeviceSource } from '../native/transport.js';
import { usbIdHex } from '../native/usb-ids.js';
import { withDemoFallback } from './demo-fallback-source.js';
import type { UnreadablePrinter } from '../common/contract/devices.js';
import { createNetworkPrinterDirectory, type NetworkPrinterDirectory } from '../native/discovery/network-printers.js';
import { startPrinterDiscovery } from '../native/discovery/start-discovery.js';
import { addedPrintersFile } from './storage/added-printers-file.js';

/**
 * When the simulated demo printer shows: `fallback` while no real device is attached (the default,
 * so a first start without hardware still has something to look at), `always` (`--demo`), `never`
 * (`--no-demo`).
 */
export type DemoMode = 'fallback' | 'always' | 'never';

/** What both hosts pass: the branding's vendor ids, configured IPP printers and the demo choice. */
export interface HostDevicesOptions extends Pick<DeviceSourcesConfig, 'loadUsb' | 'loadHid' | 'timers'> {
  vendorIds: readonly number[];
  ippPrinters: readonly string[];
  demo: DemoMode;
  clock: Clock;
  /** Simulated hours per real hour for the demo printer. */
  simSpeed: number;
  /** The demo printer's starting levels by supply id, in percent (default: the simulator's own). */
  demoLevels?: Partial<Record<string, number>>;
  log: (message: string) => void;
  /**
   * These sources instead of the machine's: no USB, HID, IPP, discovery or demo printer. The
   * campaign preview's fixed-state printer, so a real printer on the marketer's desk stays out of it.
   */
  only?: readonly DeviceSource[];
  /**
   * Network printers found by DNS-SD and added with one click: kept in this file (the app's data
   * folder). Omitted: no discovery and nothing kept (tests, the devices CLI).
   */
  networkPrinters?: { file: string; discover: boolean; interfaceAddress?: string };
}

/** The device sources a host hands to createCore. */
export interface HostDevices extends Disposable {
  sources: DeviceSource[];
  /** The demo printer now shown, if any (desktop tests drive it). */
  demoPrinter(): SimulatedPrinter | undefined;
  /** Why real sources see nothing here (e.g. "usb-printer: no USB bus on this machine"); meaningful after the first listing. */
  problems(): string[];
  /** Printers this machine has that Trayside cannot read, and what works instead (the panel shows them). */
  unreadable(): UnreadablePrinter[];
  /** The discovered network printers and the ones added from them, when networkPrinters was given. */
  network?: NetworkPrinterDirectory;
}

/**
 * USB printer class + HID filtered by the OEM's vendor ids, IPP for the configured URIs, and
 * the demo printer per `demo`. An invalid IPP URI throws (the message names it and the expected
 * form); a source that cannot see devices here (no USB bus) is logged once and skipped.
 */
export function composeHostDevices(options: HostDevicesOptions): HostDevices {
  if (options.only) {
    options.log(`devices: only the ${options.only.map((source) => source.name).join(', ')} source(s) given by the host`);
    return { sources: [...options.only], demoPrinter: () => undefined, problems: () => [], unreadable: () => [], dispose: () => undefined };
  }
  const real = createDeviceSources({
    vendorIds: options.vendorIds,
    ippPrinters: options.ippPrinters,
    ...(options.loadUsb ? { loadUsb: options.loadUsb } : {}),
    ...(options.loadHid ? { loadHid: options.loadHid } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  let demo: SimulatedPrinter | undefined;
  const createDemo = (): SimulatedPrinter =>
    (demo = new SimulatedPrinter({
      clock: options.clock,
      speed: options.simSpeed,
      ...(options.demoLevels ? { levels: options.demoLevels } : {}),
    }));
  const describeVendors = options.vendorIds.length === 0 ? 'no vendor ids' : options.vendorIds.map((id) => `0x${usbIdHex(id)}`).join(', ');
  options.log(
    `devices: USB/HID for vendor ${describeVendors}; ${options.ippPrinters.length} IPP printer(s); demo printer: ${options.demo}`,
  );
  const network = options.networkPrinters
    ? createNetworkPrinterDirectory({
        storage: addedPrintersFile(options.networkPrinters.file, options.log),
        ...(options.networkPrinters.discover
          ? {
              discovery: startPrinterDiscovery({
                ...(options.networkPrinters.interfaceAddress ? { interfaceAddress: options.networkPrinters.interfaceAddress } : {}),
                log: options.log,
              }),
            }
          : {}),
        configured: options.ippPrinters,
        ...(options.timers ? { timers: options.timers } : {}),
        log: options.log,
      })
    : undefined;
  if (network) real.sources.push(network.source);
  let sources: DeviceSource[];
  switch (options.demo) {
    case 'always':
      sources = [new SimulatedSource([createDemo()]), ...real.sources];
      break;
    case 'never':
      sources = real.sources;
      break;
    case 'fallback':
      sources = [withDemoFallback(real.sources, createDemo, options.log)];
      break;
  }
  return {
    sources,
    demoPrinter: () => demo,
    problems: () => real.problems(),
    unreadable: () => real.unreadable(),
    ...(network ? { network } : {}),
    dispose: () => {
      network?.dispose();
      real.dispose();
    },
  };
}
