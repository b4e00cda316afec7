import { Bonjour, type Browser, type Service } from 'bonjour-service';
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

/** The multicast-dns instance inside Bonjour, reached only to listen for its socket errors. */
interface MdnsEvents {
  on(event: 'error' | 'warning', listener: (error: Error) => void): void;
}

/**
 * DNS-SD browsing through bonjour-service 1.4.4 (MIT, plain TypeScript over multicast-dns, no
 * native code, no install script, and it also advertises, which the discovery tier uses as its
 * responder). Its TXT decoding is not used: `rawTxt` goes to txt-record.ts, which reads it as
 * hostile input.
 */
export function createBonjourBrowser(options: BonjourBrowserOptions = {}): ServiceBrowser {
  const problem = (error: unknown) => options.onProblem?.(`DNS-SD: ${error instanceof Error ? error.message : String(error)}`);
  // Bound to the wildcard address: a socket bound to one unicast address never receives the group's packets on Linux.
  const bonjour = new Bonjour(options.interfaceAddress ? { interface: options.interfaceAddress, bind: '0.0.0.0' } as never : {}, problem);
  // multicast-dns emits 'error' for EACCES/EADDRINUSE; without a listener that would end the process.
  const mdns = (bonjour as unknown as { server?: { mdns?: MdnsEvents } }).server?.mdns;
  mdns?.on('error', problem);
  mdns?.on('warning', () => undefined);
  const browsers: Browser[] = [];
  return {
    start(listener) {
      for (const type of ['ipp', 'ipps'] as const) {
        const browser = bonjour.find({ type, protocol: 'tcp' });
        const up = (service: FoundRecord): void => {
          const found: FoundService = { type, fqdn: service.fqdn, name: service.name, host: service.host, port: service.port, addresses: service.addresses, rawTxt: service.rawTxt };
          listener.up(found);
        };
        browser.on('up', up);
        browser.on('txt-update', up);
        browser.on('srv-update', up);
        browser.on('down', (service: FoundRecord) => {
          if (typeof service.fqdn === 'string') listener.down(type, service.fqdn);
        });
        browsers.push(browser);
      }
    },
    refresh() {
      for (const browser of browsers) {
        browser.expire();
        browser.update();
      }
    },
    dispose() {
      for (const browser of browsers.splice(0)) browser.stop();
      try {
        bonjour.destroy();
      } catch (error) {
        problem(error);
      }
    },
  };
}
