import type { DeviceIdentity, DeviceReading } from '../../common/device.js';
import { Emitter, systemTimers, type Disposable, type Timers } from '../../common/lifecycle.js';
import { classifySupply } from '../../common/supply.js';
import { parseDeviceIdString } from '../decoders/ieee1284.js';
import { ippIdentitySources } from '../decoders/ipp-attributes-text.js';
import { decodeIppSupplies, ippText, type IppAttributes, type IppValue } from '../decoders/ipp-supplies.js';
import { DeviceGate } from '../device-io.js';
import type { DeviceSession, DeviceSource, DeviceSourceEvent } from '../transport.js';
import { getPrinterAttributes, ippHttpTarget, type IppRequestOptions } from './ipp-client.js';
import { applyMarkerNames } from './supply-names.js';
import { makerFromMakeAndModel } from './vendor-names.js';

/** Fetches a printer's attributes; the real one is getPrinterAttributes, tests pass their own. */
export type FetchPrinterAttributes = (uri: string, options: IppRequestOptions) => Promise<IppAttributes>;

/** How an IppDeviceSource reaches its printers. */
export interface IppSourceOptions {
  /** Printer URIs the owner configured, e.g. `ipp://192.168.1.20/ipp/print`. */
  printers: readonly string[];
  /** Per read; the monitor's own AbortSignal can end it sooner. */
  timeoutMs?: number;
  timers?: Timers;
  fetch?: FetchPrinterAttributes;
  /** Attributes to ask for; default PRINTER_ATTRIBUTES_WANTED. */
  requestedAttributes?: readonly string[];
  /** Turns the attributes into a reading; default readingFromAttributes (a CUPS queue has its own). */
  interpret?: (attributes: IppAttributes, uri: string) => DeviceReading;
}

const IDENTITY_MAX = 200;

/** The session id of a printer URI: the URI itself, normalized, so it is stable across restarts. */
export function ippSessionId(uri: string): string {
  return `ipp:${uri.trim()}`;
}

function first(attributes: IppAttributes, name: string): IppValue | undefined {
  return Object.hasOwn(attributes, name) ? attributes[name]?.[0] : undefined;
}

function clean(text: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- printers' strings end up on one line in the panel
  const value = text?.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return value ? value.slice(0, IDENTITY_MAX) : undefined;
}

/**
 * Who the printer is: the IEEE 1284 ID in printer-device-id first (the same identity the USB path
 * reads, so a printer seen both ways matches a profile once), then printer-make-and-model through
 * the vendor table (vendor-names.ts): its first word is the maker by IPP Everywhere convention,
 * except where it is a product line. Serial from the 1284 SN, else printer-uuid.
 */
export function identityFromAttributes(attributes: IppAttributes, uri: string): DeviceIdentity {
  const deviceId = clean(ippText(first(attributes, 'printer-device-id')));
  const ieee = deviceId ? parseDeviceIdString(deviceId) : undefined;
  const makeAndModel = clean(ippText(first(attributes, 'printer-make-and-model')));
  // Not simply the first word: some makers lead with a product line ("ECOSYS M2540dn" is a Kyocera).
  const fromMakeAndModel = makeAndModel ? makerFromMakeAndModel(makeAndModel) : undefined;
  let manufacturer = clean(ieee?.manufacturer) ?? fromMakeAndModel?.manufacturer;
  let model = clean(ieee?.model) ?? fromMakeAndModel?.model ?? makeAndModel;
  if (manufacturer && model && model.toLowerCase().startsWith(`${manufacturer.toLowerCase()} `))
    model = model.slice(manufacturer.length + 1);
  manufacturer ??= 'Unknown maker';
  model ??=
    clean(ippText(first(attributes, 'printer-info'))) ?? clean(ippText(first(attributes, 'printer-name'))) ?? uri.slice(0, IDENTITY_MAX);
  const identity: DeviceIdentity = {
    manufacturer,
    model,
    commandSet: (ieee?.commandSet ?? []).map((command) => command.slice(0, 64)).slice(0, 64),
  };
  const serial = clean(ieee?.serial) ?? clean(ippText(first(attributes, 'printer-uuid')));
  if (serial) identity.serial = serial;
  const firmware = clean(ippText(first(attributes, 'printer-firmware-string-version')));
  if (firmware) identity.firmware = firmware;
  return identity;
}

/** Maps get-printer-attributes to a DeviceReading: identity, conditions, classified supplies, the printer's state message as a fact. */
export function readingFromAttributes(attributes: IppAttributes, uri: string): DeviceReading {
  const { supplies, conditions, stateMessage, printerState } = decodeIppSupplies(attributes);
  const facts: Record<string, string> = {};
  if (printerState) facts['Printer state'] = printerState;
  if (stateMessage) facts['Printer says'] = stateMessage.slice(0, 200);
  const named = applyMarkerNames(supplies, attributes);
  return {
    identity: identityFromAttributes(attributes, uri),
    conditions,
    supplies: named.map(classifySupply),
    facts,
    sources: ippIdentitySources(attributes),
  };
}

/** One configured network (or IPP-over-USB) printer. */
export class IppSession implements DeviceSession {
  readonly transport = 'ipp' as const;
  readonly id: string;
  private closed = false;
  /**
   * One request at a time, as on the other transports: printers' embedded web servers often serve
   * one connection at a time, so a second request would queue there and eat the first one's time
   * limit. An aborted exchange destroys its socket at once, so nothing is left to wait for (grace 0).
   */
  private readonly gate: DeviceGate;

  constructor(
    readonly uri: string,
    private readonly options: Omit<IppSourceOptions, 'printers'>,
  ) {
    this.id = ippSessionId(uri);
    this.gate = new DeviceGate(options.timers ?? systemTimers, 0);
  }

  async read(signal: AbortSignal): Promise<DeviceReading> {
    if (this.closed) throw new Error(`${this.id} is closed`);
    return this.gate.run(`Reading ${this.id}`, signal, async () => {
      const fetch = this.options.fetch ?? getPrinterAttributes;
      const request: IppRequestOptions = { signal };
      if (this.options.timeoutMs !== undefined) request.timeoutMs = this.options.timeoutMs;
      if (this.options.timers) request.timers = this.options.timers;
      if (this.options.requestedAttributes) request.requestedAttributes = this.options.requestedAttributes;
      const attributes = await fetch(this.uri, request);
      return (this.options.interpret ?? readingFromAttributes)(attributes, this.uri);
    });
  }

  async close(): Promise<void> {
    // Each read is its own HTTP exchange; nothing stays open between reads.
    this.closed = true;
  }
}

/**
 * Printers the owner configured by URI. There is no hot-plug on the network: `list` answers the
 * configured set without touching the network, and `setPrinters` reports what was added or
 * removed as attach/detach, so a settings change needs no restart.
 */
export class IppDeviceSource implements DeviceSource {
  readonly name = 'ipp';
  private readonly sessions = new Map<string, IppSession>();
  private readonly events = new Emitter<DeviceSourceEvent>();

  constructor(private readonly options: IppSourceOptions) {
    for (const uri of options.printers) this.add(uri);
  }

  async list(): Promise<DeviceSession[]> {
    return [...this.sessions.values()];
  }

  watch(listener: (event: DeviceSourceEvent) => void): Disposable {
    return this.events.on(listener);
  }

  /** Replaces the configured printers; invalid URIs throw with a message naming them and the expected form. */
  setPrinters(uris: readonly string[]): void {
    for (const uri of uris) ippHttpTarget(uri);
    const wanted = new Set(uris.map(ippSessionId));
    for (const [id, session] of this.sessions) {
      if (wanted.has(id)) continue;
      this.sessions.delete(id);
      void session.close();
      this.events.fire({ type: 'detached', id });
    }
    for (const uri of uris) {
      if (this.sessions.has(ippSessionId(uri))) continue;
      const session = this.add(uri);
      this.events.fire({ type: 'attached', session });
    }
  }

  private add(uri: string): IppSession {
    ippHttpTarget(uri);
    const { printers: _printers, ...rest } = this.options;
    const session = new IppSession(uri.trim(), rest);
    this.sessions.set(session.id, session);
    return session;
  }
}
