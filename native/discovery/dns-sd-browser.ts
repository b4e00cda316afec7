import { Bonjour, type Browser, type Service } from 'bonjour-service';
import { describeError } from '../../common/errors.js';
import type { FoundService, ServiceBrowser } from './printer-discovery.js';

/** Where the mDNS socket listens; default every interface, as the OS's own printer discovery does. */
export interface BonjourBrowserOptions {
  /** The interface address to send queries on and join the group at, e.g. `10.77.0.1`; tests pin it. */
  interfaceAddress?: string;
  /** A socket problem in words (the app keeps running without discovery). */
  onProblem?: (problem: string) => void;
}

/** The records bonjour-service keeps for a found service; `rawTxt` (the TXT strings as bytes) is not in its types. */
type FoundRecord = Service & { rawTxt?: unknown };

/** One resource record of an mDNS response, as multicast-dns decodes it. */
interface MdnsRecord {
  name?: unknown;
  type?: unknown;
  data?: unknown;
}

/** The multicast-dns instance inside Bonjour: its socket errors, and the address records bonjour-service does not follow. */
interface MdnsEvents {
  on(event: 'error' | 'warning', listener: (error: Error) => void): void;
  on(event: 'response', listener: (packet: { answers?: MdnsRecord[]; additionals?: MdnsRecord[] }) => void): void;
  removeListener(event: 'response', listener: (packet: { answers?: MdnsRecord[]; additionals?: MdnsRecord[] }) => void): void;
  query(name: string, type: 'A'): void;
}

/** Host names whose addresses are remembered; more is noise. */
const MAX_HOSTS = 256;

/**
 * DNS-SD browsing through bonjour-service 1.4.4 (MIT, plain TypeScript over multicast-dns, no
 * native code, no install script, and it also advertises, which the discovery tier uses as its
 * responder). Its TXT decoding is not used: `rawTxt` goes to txt-record.ts, which reads it as
 * hostile input.
 */
export function createBonjourBrowser(options: BonjourBrowserOptions = {}): ServiceBrowser {
  const problem = (error: unknown) => options.onProblem?.(`DNS-SD: ${describeError(error)}`);
  // Bound to the wildcard address: a socket bound to one unicast address never receives the group's packets on Linux.
  const bonjour = new Bonjour(options.interfaceAddress ? ({ interface: options.interfaceAddress, bind: '0.0.0.0' } as never) : {}, problem);
  // multicast-dns emits 'error' for EACCES/EADDRINUSE; without a listener that would end the process.
  const mdns = (bonjour as unknown as { server?: { mdns?: MdnsEvents } }).server?.mdns;
  mdns?.on('error', problem);
  mdns?.on('warning', () => undefined);
  const browsers: Browser[] = [];
  // bonjour-service takes a service's addresses only from the packet that brought its SRV record and
  // never updates them; a printer whose A record comes in a later packet would stay without one.
  // So A/AAAA records are collected from every response, and a service is reported again when its
  // host gets an address.
  const addresses = new Map<string, Set<string>>();
  const latest = new Map<string, FoundService>();
  let report: ((service: FoundService) => void) | undefined;
  const hostKey = (host: unknown): string | undefined =>
    typeof host === 'string' && host.length <= 255 ? host.toLowerCase().replace(/\.$/, '') : undefined;
  const withAddresses = (service: FoundService): FoundService => {
    const known = addresses.get(hostKey(service.host) ?? '');
    const own = Array.isArray(service.addresses)
      ? service.addresses.filter((address): address is string => typeof address === 'string')
      : [];
    return known ? { ...service, addresses: [...new Set([...own, ...known])] } : service;
  };
  const onResponse = (packet: { answers?: MdnsRecord[]; additionals?: MdnsRecord[] }): void => {
    const changed = new Set<string>();
    for (const record of [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(0, 100)) {
      const host = hostKey(record.name);
      if (!host || (record.type !== 'A' && record.type !== 'AAAA') || typeof record.data !== 'string' || record.data.length > 64) continue;
      let set = addresses.get(host);
      if (!set) {
        if (addresses.size >= MAX_HOSTS) continue;
        addresses.set(host, (set = new Set()));
      }
      if (set.has(record.data) || set.size >= 16) continue;
      set.add(record.data);
      changed.add(host);
    }
    if (changed.size === 0 || !report) return;
    for (const service of latest.values()) if (changed.has(hostKey(service.host) ?? '')) report(withAddresses(service));
  };
  mdns?.on('response', onResponse);
  return {
    start(listener) {
      report = (service) => listener.up(service);
      for (const type of ['ipp', 'ipps'] as const) {
        const browser = bonjour.find({ type, protocol: 'tcp' });
        const up = (service: FoundRecord): void => {
          const found: FoundService = {
            type,
            fqdn: service.fqdn,
            name: service.name,
            host: service.host,
            port: service.port,
            addresses: service.addresses,
            rawTxt: service.rawTxt,
          };
          if (typeof found.fqdn === 'string' && (latest.has(found.fqdn) || latest.size < MAX_HOSTS)) latest.set(found.fqdn, found);
          const complete = withAddresses(found);
          if (!(Array.isArray(complete.addresses) && complete.addresses.length > 0) && typeof found.host === 'string')
            mdns?.query(found.host, 'A');
          listener.up(complete);
        };
        browser.on('up', up);
        browser.on('txt-update', up);
        browser.on('srv-update', up);
        browser.on('down', (service: FoundRecord) => {
          if (typeof service.fqdn !== 'string') return;
          latest.delete(service.fqdn);
          listener.down(type, service.fqdn);
        });
        browsers.push(browser);
      }
    },
    refresh() {
      for (const browser of browsers) {
        browser.expire();
        browser.update();
      }
      for (const service of latest.values()) {
        const host = hostKey(service.host);
        if (host && !addresses.has(host)) mdns?.query(host, 'A');
      }
    },
    dispose() {
      report = undefined;
      mdns?.removeListener('response', onResponse);
      for (const browser of browsers.splice(0)) browser.stop();
      try {
        bonjour.destroy();
      } catch (error) {
        problem(error);
      }
    },
  };
}
