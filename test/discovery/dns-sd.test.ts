import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscoveredPrinterSchema } from '../../common/contract/devices.js';
import { addedPrintersFile } from '../../core/storage/added-printers-file.js';
import { createNetworkPrinterDirectory, type NetworkPrinterDirectory } from '../../native/discovery/network-printers.js';
import { startPrinterDiscovery } from '../../native/discovery/start-discovery.js';

// Against a real mDNS responder in a network namespace of its own (scripts/ipp/run.sh): a veth pair
// joins this namespace (TRAYSIDE_DISCOVERY_INTERFACE) to the printer's, where bonjour-service
// advertises _ipp._tcp/_ipps._tcp and relays to an ippeveprinter. Nothing leaves the two namespaces.

const appAddress = process.env.TRAYSIDE_DISCOVERY_INTERFACE ?? '';
const printerAddress = process.env.TRAYSIDE_DISCOVERY_PRINTER ?? '';
const control = process.env.TRAYSIDE_DISCOVERY_CONTROL ?? '';
const why = 'no network namespace with a veth pair and a responder (scripts/ipp/run.sh builds one when run as root)';
if (!appAddress) console.info(`skipped: DNS-SD discovery tier: ${why}`);

/** Sends one line to the responder's control socket and waits for its answer. */
function tellResponder(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(control, () => socket.write(`${line}\n`));
    socket.setEncoding('utf8');
    socket.once('data', (answer) => {
      socket.end();
      resolve(String(answer).trim());
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!appAddress)('DNS-SD discovery of a real responder on another namespace', () => {
  const log: string[] = [];
  let dir: string;
  let directory: NetworkPrinterDirectory;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trayside-discovery-'));
    const discovery = startPrinterDiscovery({ interfaceAddress: appAddress, log: (line) => log.push(line) });
    if (!discovery) throw new Error(`discovery did not start: ${log.join('; ')}`);
    directory = createNetworkPrinterDirectory({
      storage: addedPrintersFile(join(dir, 'network-printers.json'), (line) => log.push(line)),
      discovery,
      configured: [],
      log: (line) => log.push(line),
    });
  });
  afterAll(() => {
    directory?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the printer once (ipp and ipps joined by UUID), with its model, location and web page from TXT', async () => {
    await vi.waitFor(() => expect(directory.discovered().map((printer) => printer.name)).toContain('Trayside Lab Printer'), {
      timeout: 15_000,
      interval: 200,
    });
    const found = directory.discovered().filter((printer) => printer.name === 'Trayside Lab Printer');
    expect(found).toHaveLength(1);
    const printer = DiscoveredPrinterSchema.parse(found[0]);
    expect(printer).toMatchObject({
      id: 'uuid:8f2c1a4e-7b3d-4c5e-9a61-2d4b8c0e1f37',
      model: 'Trayside Discovered IPP',
      location: 'Lab bench',
      adminUrl: expect.stringContaining(printerAddress),
      added: false,
    });
    expect(printer.secure).toBe(true);
    expect(printer.uri).toMatch(new RegExp(`^ipps://${printerAddress.replace(/\./g, '\\.')}:\\d+/ipp/print$`));
  });

  it('lists the hostile advertisement with only safe values: the default path, no script link, no fake UUID, one clean line', async () => {
    await vi.waitFor(() => expect(directory.discovered().some((printer) => printer.name.startsWith('Hostile'))).toBe(true), {
      timeout: 15_000,
      interval: 200,
    });
    const hostile = directory.discovered().find((printer) => printer.name.startsWith('Hostile'))!;
    DiscoveredPrinterSchema.parse(hostile);
    expect(hostile.uri).toMatch(/\/ipp\/print$/);
    expect(hostile.uri).not.toContain('..');
    expect(hostile.adminUrl).toBeUndefined();
    expect(hostile.id).toMatch(/^dns-sd:/);
    expect(hostile.model).toMatch(/^Evil \[2Jx+$/);
    // eslint-disable-next-line no-control-regex -- the point of the check
    expect(hostile.name).not.toMatch(/[\u0000-\u001f]/);
    expect(hostile.location).toBeUndefined();
  });

  it('one click adds it: the printer is read over the link (ippeveprinter behind the responder), and kept on disk', async () => {
    const printer = directory.discovered().find((candidate) => candidate.name === 'Trayside Lab Printer')!;
    await directory.add(printer.id);
    expect(directory.discovered().find((candidate) => candidate.id === printer.id)?.added).toBe(true);
    const [session] = await directory.source.list();
    expect(session?.id).toBe(`ipp:${printer.uri}`);
    const reading = await session!.read(AbortSignal.timeout(15_000));
    expect(reading.identity).toMatchObject({ manufacturer: 'Trayside', model: 'Discovered IPP' });
    expect(reading.supplies.length).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(join(dir, 'network-printers.json'), 'utf8'));
    expect(saved.printers).toEqual([{ id: printer.id, name: 'Trayside Lab Printer', uri: printer.uri }]);
  });

  it('a printer that says goodbye leaves the list', async () => {
    expect(await tellResponder('withdraw Hostile\u0007 Printer')).toMatch(/^withdrawn/);
    await vi.waitFor(() => expect(directory.discovered().some((printer) => printer.name.startsWith('Hostile'))).toBe(false), {
      timeout: 10_000,
      interval: 200,
    });
    expect(directory.discovered().map((printer) => printer.name)).toContain('Trayside Lab Printer');
    expect(log.filter((line) => /DNS-SD/.test(line))).toEqual([]);
  });
});
