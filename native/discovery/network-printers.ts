import { z } from 'zod';
import { TraysideError } from '../../common/contract/define.js';
import { DiscoveredPrinterSchema, type DiscoveredPrinter } from '../../common/contract/devices.js';
import { describeError } from '../../common/errors.js';
import { Emitter, type Disposable, type Timers } from '../../common/lifecycle.js';
import { ippHttpTarget } from '../ipp/ipp-client.js';
import { IppDeviceSource } from '../ipp/ipp-source.js';
import type { FoundPrinter, PrinterDiscovery } from './printer-discovery.js';

/** One printer the owner added from the discovered list. */
const AddedPrinterSchema = z.object({
  /** The discovered id (`uuid:…` or `dns-sd:…`): a printer that moves to a new address keeps it. */
  id: z.string().min(1).max(300),
  name: z.string().min(1).max(200),
  uri: z
    .string()
    .min(1)
    .max(300)
    .refine((uri) => {
      try {
        ippHttpTarget(uri);
        return true;
      } catch {
        return false;
      }
    }, 'an ipp:// or ipps:// printer address'),
});
export type AddedPrinter = z.infer<typeof AddedPrinterSchema>;

const FILE_VERSION = 1;

/** Where the added printers are kept between starts; the host gives a file in the app's data folder. */
export interface AddedPrintersStorage {
  /** The stored JSON text, or undefined when nothing was stored yet. */
  readSync(): string | undefined;
  /** Keeps the damaged text aside (never overwritten silently) before the directory writes a fresh file. */
  setAside(reason: string): void;
  write(text: string): Promise<void>;
}

/**
 * The printers the owner added, as kept on disk: each entry is checked alone, so one damaged entry
 * drops only itself. Unreadable JSON is set aside and the list starts empty.
 */
export function parseAddedPrinters(
  text: string | undefined,
  storage: Pick<AddedPrintersStorage, 'setAside'>,
  log: (message: string) => void,
): AddedPrinter[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    storage.setAside(`not JSON (${describeError(error)}); the list starts empty`);
    return [];
  }
  const entries = z.object({ printers: z.array(z.unknown()).max(200) }).safeParse(parsed);
  if (!entries.success) {
    storage.setAside('not a list of printers (no "printers" array); the list starts empty');
    return [];
  }
  const printers: AddedPrinter[] = [];
  for (const entry of entries.data.printers) {
    const printer = AddedPrinterSchema.safeParse(entry);
    if (printer.success && !printers.some((known) => known.id === printer.data.id)) printers.push(printer.data);
    else if (!printer.success)
      log(`network printers: skipped a saved entry that is not a printer (${printer.error.issues[0]?.message ?? 'invalid'})`);
  }
  return printers;
}

/** One printer address however it is written: `ipp://10.0.0.9/ipp/print` and `ipp://10.0.0.9:631/ipp/print` are one printer. */
function addressKey(uri: string): string {
  try {
    return ippHttpTarget(uri.trim()).href.toLowerCase();
  } catch {
    return uri.trim();
  }
}

/** What the core needs from network printers: the discovered list, one-click add, and changes. */
export interface NetworkPrinterDirectory extends Disposable {
  /** Reads the added printers; give it to the device monitor with the other sources. */
  readonly source: IppDeviceSource;
  discovered(): DiscoveredPrinter[];
  /** Adds a discovered printer by id; rejects with not-found when it is no longer advertised. */
  add(id: string): Promise<void>;
  onChanged(listener: (printers: DiscoveredPrinter[]) => void): Disposable;
}

export interface NetworkPrinterDirectoryOptions {
  storage: AddedPrintersStorage;
  /** None when discovery could not start: the added printers are still read. */
  discovery?: PrinterDiscovery;
  /** URIs given with --ipp: shown as added, never stored twice. */
  configured: readonly string[];
  timers?: Timers;
  log: (message: string) => void;
}

/**
 * The discovered printers and the ones the owner added from them. An added printer is read like an
 * `--ipp URI` (an IppDeviceSource) and kept in storage; when it comes back on another address
 * (DHCP), its stored address follows its id.
 */
export function createNetworkPrinterDirectory(options: NetworkPrinterDirectoryOptions): NetworkPrinterDirectory {
  const configured = new Set(options.configured.map(addressKey));
  let added = parseAddedPrinters(options.storage.readSync(), options.storage, options.log).filter(
    (printer) => !configured.has(addressKey(printer.uri)),
  );
  const source = new IppDeviceSource({
    printers: added.map((printer) => printer.uri),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const changed = new Emitter<DiscoveredPrinter[]>();

  const isAdded = (printer: FoundPrinter): boolean =>
    configured.has(addressKey(printer.uri)) ||
    added.some((known) => known.id === printer.id || addressKey(known.uri) === addressKey(printer.uri));
  // Checked against the contract once more: these are published as events, and a value that broke
  // the contract there would throw inside the mDNS socket's message handler.
  const discovered = (): DiscoveredPrinter[] =>
    (options.discovery?.printers() ?? [])
      .map((printer) => ({ ...printer, added: isAdded(printer) }))
      .filter((printer) => DiscoveredPrinterSchema.safeParse(printer).success)
      .slice(0, 200);
  const save = async (): Promise<void> => {
    source.setPrinters(added.map((printer) => printer.uri));
    await options.storage.write(`${JSON.stringify({ version: FILE_VERSION, printers: added }, null, 2)}\n`);
  };

  /** A printer that was added and now advertises another address is read there from now on. */
  const follow = (printers: FoundPrinter[]): void => {
    let moved = false;
    added = added.map((known) => {
      const now = printers.find((printer) => printer.id === known.id);
      if (!now || now.uri === known.uri || configured.has(addressKey(now.uri))) return known;
      options.log(`network printers: ${known.name} moved from ${known.uri} to ${now.uri}`);
      moved = true;
      return { ...known, uri: now.uri };
    });
    if (moved) save().catch((error: unknown) => options.log(`network printers: could not save the list (${describeError(error)})`));
  };

  const subscription = options.discovery?.onChanged((printers) => {
    try {
      follow(printers);
      changed.fire(discovered());
    } catch (error) {
      options.log(`network printers: could not pass on a change (${describeError(error)})`);
    }
  });

  return {
    source,
    discovered,
    async add(id) {
      const printer = options.discovery?.printers().find((candidate) => candidate.id === id);
      if (!printer)
        throw new TraysideError(
          'not-found',
          `No network printer with id "${id}" is advertised now; it may have been switched off. Its IPP address can still be given with --ipp.`,
        );
      if (isAdded(printer)) return;
      added = [...added, { id: printer.id, name: printer.name, uri: printer.uri }];
      try {
        await save();
      } catch (error) {
        // It is read this run; only keeping it for the next start failed, which the owner must hear.
        throw new TraysideError(
          'unavailable',
          `${printer.name} is added for now, but could not be kept for the next start: ${describeError(error)}`,
        );
      } finally {
        changed.fire(discovered());
      }
    },
    onChanged: (listener) => changed.on(listener),
    dispose() {
      subscription?.dispose();
      options.discovery?.dispose();
    },
  };
}
