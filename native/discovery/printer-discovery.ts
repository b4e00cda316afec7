import { isIP } from 'node:net';
import { z } from 'zod';
import type { DiscoveredPrinter } from '../../common/contract/devices.js';
import { Emitter, systemTimers, type Disposable, type Timers } from '../../common/lifecycle.js';
import { parsePrinterTxt } from './txt-record.js';

/** One DNS-SD service as the mDNS layer reports it; every field came off the network. */
export interface FoundService {
  /** `ipp` or `ipps`, from the service type browsed. */
  type: 'ipp' | 'ipps';
  /** The full service name, unique on the link, e.g. `Office._ipp._tcp.local`. */
  fqdn: unknown;
  name: unknown;
  host: unknown;
  port: unknown;
  addresses: unknown;
  /** The TXT strings as bytes. */
  rawTxt: unknown;
}

/** The mDNS layer behind discovery: the real one is bonjour-service (dns-sd-browser.ts), tests may pass their own. */
export interface ServiceBrowser extends Disposable {
  /** Starts browsing `_ipp._tcp` and `_ipps._tcp`; `up` again for a service means its records changed. */
  start(listener: { up(service: FoundService): void; down(type: FoundService['type'], fqdn: string): void }): void;
  /** Asks the network again (a PTR query) and drops services whose records' TTL ran out. */
  refresh(): void;
}

/** A discovered printer before the directory says whether it is added. */
export type FoundPrinter = Omit<DiscoveredPrinter, 'added'>;

// Control characters, line separators and bidirectional overrides (a U+202E would show a name reversed).
// eslint-disable-next-line no-control-regex -- names end up on one line in the panel
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const ServiceSchema = z.object({
  fqdn: z.string().min(1).max(400),
  name: z
    .string()
    .transform((text) => text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1).max(200)),
  host: z.string().max(255).optional(),
  port: z.number().int().min(1).max(65535),
  addresses: z.array(z.string().max(64)).max(32).catch([]),
});

/** A DNS host name Trayside will put in a URI: letters, digits, hyphens and dots only. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * Where to reach the printer: an IPv4 address first (every OS connects to it without an mDNS
 * resolver), then a routable IPv6 address (a link-local one needs a zone the URI cannot carry
 * portably), then the advertised `.local` host name, which macOS and Windows resolve themselves.
 */
export function pickHost(addresses: readonly string[], host: string | undefined): string | undefined {
  const v4 = addresses.find((address) => isIP(address) === 4);
  if (v4) return v4;
  const v6 = addresses.find((address) => isIP(address) === 6 && !/^fe[89ab]/i.test(address));
  if (v6) return `[${v6}]`;
  const name = host?.replace(/\.$/, '');
  return name && HOST_NAME.test(name) ? name : undefined;
}

/** The discovered printer a service stands for, or undefined when its records are unusable. */
export function printerFromService(service: FoundService): FoundPrinter | undefined {
  const parsed = ServiceSchema.safeParse(service);
  if (!parsed.success) return undefined;
  const { fqdn, name, host, port, addresses } = parsed.data;
  const where = pickHost(addresses, host);
  if (!where) return undefined;
  const txt = parsePrinterTxt(service.rawTxt);
  const uri = `${service.type}://${where}:${port}/${txt.resourcePath}`;
  // The contract's bound (DiscoveredPrinterSchema): a longer address is no printer's.
  if (uri.length > 300) return undefined;
  const printer: FoundPrinter = {
    id: txt.uuid ? `uuid:${txt.uuid}` : `dns-sd:${fqdn.toLowerCase()}`.slice(0, 300),
    name,
    uri,
    secure: service.type === 'ipps',
  };
  if (txt.model) printer.model = txt.model;
  if (txt.location) printer.location = txt.location;
  if (txt.adminUrl) printer.adminUrl = txt.adminUrl;
  return printer;
}

/**
 * When the network is asked again: 1 s after the start, then twice as long each time up to once a
 * minute, as RFC 6762 §5.2 asks of a continuous querier. A reply lost on a busy network, or one
 * that left out a printer's address, is made up for within seconds, not minutes.
 */
const FIRST_REFRESH_MS = 1_000;
const MAX_REFRESH_MS = 60_000;
/** A busy office has dozens of printers; past this, more services are noise or an attack. */
const MAX_SERVICES = 200;

/** Network printers on the local link, found by DNS-SD, as a list that changes. */
export interface PrinterDiscovery extends Disposable {
  printers(): FoundPrinter[];
  onChanged(listener: (printers: FoundPrinter[]) => void): Disposable;
}

/**
 * Browses `_ipp._tcp` and `_ipps._tcp`. A printer that advertises both (most do) is listed once,
 * joined by its UUID, with its ipps address: the IPP client accepts a printer's self-signed
 * certificate, so TLS costs nothing and keeps the levels off the wire.
 */
export class DnsSdPrinterDiscovery implements PrinterDiscovery {
  private readonly services = new Map<string, FoundPrinter>();
  private readonly changed = new Emitter<FoundPrinter[]>();
  private readonly timers: Timers;
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(
    private readonly browser: ServiceBrowser,
    options: { timers?: Timers } = {},
  ) {
    this.timers = options.timers ?? systemTimers;
    browser.start({
      up: (service) => this.up(service),
      down: (type, fqdn) => this.down(`${type}:${fqdn.toLowerCase()}`),
    });
    this.schedule();
  }

  printers(): FoundPrinter[] {
    const byPrinter = new Map<string, FoundPrinter>();
    for (const printer of this.services.values()) {
      const known = byPrinter.get(printer.id);
      if (!known || (printer.secure && !known.secure)) byPrinter.set(printer.id, printer);
    }
    return [...byPrinter.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  onChanged(listener: (printers: FoundPrinter[]) => void): Disposable {
    return this.changed.on(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.browser.dispose();
  }

  private up(service: FoundService): void {
    if (this.disposed || typeof service.fqdn !== 'string') return;
    const key = `${service.type}:${service.fqdn.toLowerCase()}`;
    if (!this.services.has(key) && this.services.size >= MAX_SERVICES) return;
    const printer = printerFromService(service);
    if (!printer) {
      this.down(key);
      return;
    }
    const before = this.services.get(key);
    this.services.set(key, printer);
    if (JSON.stringify(before) !== JSON.stringify(printer)) this.changed.fire(this.printers());
  }

  private down(key: string): void {
    if (this.disposed || !this.services.delete(key)) return;
    this.changed.fire(this.printers());
  }

  private schedule(delayMs = FIRST_REFRESH_MS): void {
    this.timer = this.timers.setTimeout(() => {
      if (this.disposed) return;
      this.browser.refresh();
      this.schedule(Math.min(delayMs * 2, MAX_REFRESH_MS));
    }, delayMs);
  }
}
