import { describe, expect, it } from 'vitest';
import { DiscoveredPrinterSchema } from '../../common/contract/devices.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { DnsSdPrinterDiscovery, type FoundService, type ServiceBrowser } from './printer-discovery.js';
import { parsePrinterTxt } from './txt-record.js';

const txt = (...entries: string[]): Uint8Array[] => entries.map((entry) => new TextEncoder().encode(entry));

/** A scripted mDNS layer: the test announces and withdraws services. */
class FakeBrowser implements ServiceBrowser {
  listener: Parameters<ServiceBrowser['start']>[0] | undefined;
  refreshes = 0;
  disposed = false;
  start(listener: Parameters<ServiceBrowser['start']>[0]): void {
    this.listener = listener;
  }
  refresh(): void {
    this.refreshes += 1;
  }
  dispose(): void {
    this.disposed = true;
  }
  announce(service: Partial<FoundService>): void {
    this.listener?.up({
      type: 'ipp',
      fqdn: 'Office._ipp._tcp.local',
      name: 'Office',
      host: 'office.local',
      port: 631,
      addresses: ['192.168.1.20'],
      rawTxt: [],
      ...service,
    });
  }
}

describe('TXT records of IPP printers, read as hostile input', () => {
  it('reads rp, ty, note, adminurl and UUID the way IPP Everywhere printers send them', () => {
    const parsed = parsePrinterTxt(
      txt(
        'txtvers=1',
        'rp=ipp/print',
        'ty=EPSON ET-2850 Series',
        'note=2nd floor',
        'adminurl=http://192.168.1.20/',
        'UUID=CFE92100-67C4-11D4-A45F-F8D027761251',
      ),
    );
    expect(parsed).toEqual({
      resourcePath: 'ipp/print',
      model: 'EPSON ET-2850 Series',
      location: '2nd floor',
      adminUrl: 'http://192.168.1.20/',
      uuid: 'cfe92100-67c4-11d4-a45f-f8d027761251',
    });
  });

  it('drops a bad value alone: a path that climbs out, a script link, a UUID that is not one, control characters', () => {
    const parsed = parsePrinterTxt(txt('rp=../../admin', 'adminurl=javascript:alert(1)', 'UUID=not-a-uuid', 'ty=Laser\u0000\u001b[2J 1'));
    expect(parsed).toEqual({ resourcePath: 'ipp/print', model: 'Laser [2J 1' });
    expect(parsePrinterTxt(txt('rp=ipp/%2e%2e/x', 'adminurl=http://user:pw@printer/')).resourcePath).toBe('ipp/print');
    expect(parsePrinterTxt(txt('adminurl=http://user:pw@printer/')).adminUrl).toBeUndefined();
  });

  it('takes the first of duplicated keys in any case, skips keys with odd bytes, entries over 255 bytes and non-arrays', () => {
    expect(parsePrinterTxt(txt('RP=ipp/first', 'rp=ipp/second')).resourcePath).toBe('ipp/first');
    expect(parsePrinterTxt([new Uint8Array([0x74, 0xff, 0x3d, 0x41]), ...txt(`ty=${'x'.repeat(300)}`)])).toEqual({
      resourcePath: 'ipp/print',
    });
    expect(parsePrinterTxt('rp=ipp/print')).toEqual({ resourcePath: 'ipp/print' });
    expect(parsePrinterTxt(txt('__proto__=x', 'constructor=y'))).toEqual({ resourcePath: 'ipp/print' });
    expect(parsePrinterTxt(txt('note=\u202egnp.exe', 'ty=\u2066Laser\u2069'))).toEqual({
      resourcePath: 'ipp/print',
      location: 'gnp.exe',
      model: 'Laser',
    });
  });
});

describe('DNS-SD printer discovery', () => {
  it('lists a printer once with its ipps address when it advertises both, and forgets it when it leaves', () => {
    const browser = new FakeBrowser();
    const time = new FakeTime();
    const discovery = new DnsSdPrinterDiscovery(browser, { timers: time });
    const uuid = 'UUID=cfe92100-67c4-11d4-a45f-f8d027761251';
    browser.announce({ rawTxt: txt('rp=ipp/print', 'ty=ACME Laser', uuid) });
    browser.announce({ type: 'ipps', fqdn: 'Office._ipps._tcp.local', port: 443, rawTxt: txt('rp=ipp/print', 'ty=ACME Laser', uuid) });
    const [printer, ...rest] = discovery.printers();
    expect(rest).toEqual([]);
    expect(printer).toEqual({
      id: 'uuid:cfe92100-67c4-11d4-a45f-f8d027761251',
      name: 'Office',
      model: 'ACME Laser',
      uri: 'ipps://192.168.1.20:443/ipp/print',
      secure: true,
    });
    DiscoveredPrinterSchema.parse({ ...printer, added: false });
    browser.listener?.down('ipps', 'Office._ipps._tcp.local');
    expect(discovery.printers().map((found) => found.uri)).toEqual(['ipp://192.168.1.20:631/ipp/print']);
    browser.listener?.down('ipp', 'office._ipp._tcp.local');
    expect(discovery.printers()).toEqual([]);
    discovery.dispose();
    expect(browser.disposed).toBe(true);
    expect(time.pendingCount).toBe(0);
  });

  it('skips services it cannot reach or name: no port, only a link-local address and a bad host name, a huge name', () => {
    const browser = new FakeBrowser();
    const discovery = new DnsSdPrinterDiscovery(browser, { timers: new FakeTime() });
    browser.announce({ fqdn: 'a', port: 0 });
    browser.announce({ fqdn: 'b', addresses: ['fe80::1'], host: 'bad host/evil' });
    browser.announce({ fqdn: 'c', name: 'x'.repeat(500) });
    browser.announce({ fqdn: 'd', addresses: 'not a list', host: 'printer.local.' });
    expect(discovery.printers().map((found) => found.uri)).toEqual(['ipp://printer.local:631/ipp/print']);
    discovery.dispose();
  });

  it('asks the network again after 1, 2, 4 … s, then once a minute', async () => {
    const browser = new FakeBrowser();
    const time = new FakeTime();
    const discovery = new DnsSdPrinterDiscovery(browser, { timers: time });
    await time.advance(1_000);
    expect(browser.refreshes).toBe(1);
    await time.advance(2_000);
    expect(browser.refreshes).toBe(2);
    // 1 + 2 + 4 + 8 + 16 + 32 = 63 s, then every 60 s.
    await time.advance(60_000 + 120_000);
    expect(browser.refreshes).toBe(8);
    discovery.dispose();
  });
});

describe('bounds the contract sets', () => {
  it('drops a service whose address would be longer than the contract allows, instead of breaking the event', () => {
    const browser = new FakeBrowser();
    const discovery = new DnsSdPrinterDiscovery(browser, { timers: new FakeTime() });
    const label = 'a'.repeat(60);
    browser.announce({ addresses: [], host: `${label}.${label}.${label}.${label}.local`, rawTxt: txt(`rp=${'p/'.repeat(94)}x`) });
    expect(discovery.printers()).toEqual([]);
    discovery.dispose();
  });
});
