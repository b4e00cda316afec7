import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNetworkPrinterDirectory } from '../../native/discovery/network-printers.js';
import { DnsSdPrinterDiscovery, type FoundService, type ServiceBrowser } from '../../native/discovery/printer-discovery.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { addedPrintersFile } from './added-printers-file.js';

const txt = (...entries: string[]): Uint8Array[] => entries.map((entry) => new TextEncoder().encode(entry));

/** A scripted mDNS layer: the test announces services. */
class FakeBrowser implements ServiceBrowser {
  listener: Parameters<ServiceBrowser['start']>[0] | undefined;
  start(listener: Parameters<ServiceBrowser['start']>[0]): void {
    this.listener = listener;
  }
  refresh(): void {}
  dispose(): void {}
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

describe('network printers added from discovery, kept in a file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('adds a discovered printer with one call: it is read from then on, kept on disk, and follows its UUID to a new address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trayside-network-printers-'));
    dirs.push(dir);
    const file = join(dir, 'network-printers.json');
    const log: string[] = [];
    const browser = new FakeBrowser();
    const uuid = 'UUID=cfe92100-67c4-11d4-a45f-f8d027761251';
    const directory = createNetworkPrinterDirectory({
      storage: addedPrintersFile(file, (line) => log.push(line)),
      discovery: new DnsSdPrinterDiscovery(browser, { timers: new FakeTime() }),
      configured: ['ipp://10.0.0.9/ipp/print'],
      log: (line) => log.push(line),
    });
    const seen: boolean[][] = [];
    directory.onChanged((printers) => seen.push(printers.map((printer) => printer.added)));
    browser.announce({ rawTxt: txt(uuid) });
    browser.announce({ fqdn: 'Given._ipp._tcp.local', name: 'Given', addresses: ['10.0.0.9'], port: 631 });
    expect(directory.discovered().map((printer) => [printer.name, printer.added])).toEqual([
      ['Given', true],
      ['Office', false],
    ]);

    await directory.add('uuid:cfe92100-67c4-11d4-a45f-f8d027761251');
    expect((await directory.source.list()).map((session) => session.id)).toEqual(['ipp:ipp://192.168.1.20:631/ipp/print']);
    expect(seen.at(-1)).toEqual([true, true]);
    expect(JSON.parse(readFileSync(file, 'utf8')).printers).toEqual([
      { id: 'uuid:cfe92100-67c4-11d4-a45f-f8d027761251', name: 'Office', uri: 'ipp://192.168.1.20:631/ipp/print' },
    ]);
    await expect(directory.add('uuid:00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'not-found' });

    browser.announce({ addresses: ['192.168.1.77'], rawTxt: txt(uuid) });
    await vi.waitFor(() => expect(JSON.parse(readFileSync(file, 'utf8')).printers[0].uri).toBe('ipp://192.168.1.77:631/ipp/print'));
    expect((await directory.source.list()).map((session) => session.id)).toEqual(['ipp:ipp://192.168.1.77:631/ipp/print']);
    directory.dispose();

    // The next start reads it without any discovery.
    const again = createNetworkPrinterDirectory({
      storage: addedPrintersFile(file, (line) => log.push(line)),
      configured: [],
      log: (line) => log.push(line),
    });
    expect((await again.source.list()).map((session) => session.id)).toEqual(['ipp:ipp://192.168.1.77:631/ipp/print']);
    again.dispose();
  });

  it('a damaged saved list is kept aside, and one bad entry drops only itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trayside-network-printers-'));
    dirs.push(dir);
    const file = join(dir, 'network-printers.json');
    const log: string[] = [];
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        printers: [{ id: 'a', name: 'Good', uri: 'ipp://10.0.0.5/ipp/print' }, { id: 'b', name: 'Bad', uri: 'file:///etc/passwd' }, 'junk'],
      }),
    );
    const directory = createNetworkPrinterDirectory({
      storage: addedPrintersFile(file, (line) => log.push(line)),
      configured: [],
      log: (line) => log.push(line),
    });
    expect((await directory.source.list()).map((session) => session.id)).toEqual(['ipp:ipp://10.0.0.5/ipp/print']);
    expect(log.filter((line) => line.includes('skipped a saved entry'))).toHaveLength(2);

    writeFileSync(file, '{"printers": [tru');
    const broken = createNetworkPrinterDirectory({
      storage: addedPrintersFile(file, (line) => log.push(line)),
      configured: [],
      log: (line) => log.push(line),
    });
    expect(await broken.source.list()).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect(log.at(-1)).toMatch(/is not JSON .*kept as .*network-printers\.json\.damaged-/);
  });
});
