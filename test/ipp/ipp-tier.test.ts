import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceIdentitySchema, DeviceConditionSchema } from '../../common/device.js';
import { SupplySchema, type Supply } from '../../common/supply.js';
import { getPrinterAttributes } from '../../native/ipp/ipp-client.js';
import { IppDeviceSource } from '../../native/ipp/ipp-source.js';
import type { DeviceSession } from '../../native/transport.js';

const uri = process.env.TRAYSIDE_IPP_URI;
const web = process.env.TRAYSIDE_IPP_WEB;
if (!uri || !web) {
  throw new Error(
    'TRAYSIDE_IPP_URI/TRAYSIDE_IPP_WEB are not set: run this tier with `npm run test:ipp` (scripts/ipp/run.sh starts ippeveprinter)',
  );
}

/** Sets supply levels through ippeveprinter's web form, as HARDWARE-TESTING.md §5 found: GET /supplies?supplyN=level. */
async function setLevels(levels: number[]): Promise<void> {
  const query = levels.map((level, index) => `supply${index}=${level}`).join('&');
  const response = await fetch(`${web}/supplies?${query}`);
  await response.arrayBuffer();
  expect(response.status).toBe(200);
}

async function readOnce(session: DeviceSession): Promise<Awaited<ReturnType<DeviceSession['read']>>> {
  return session.read(AbortSignal.timeout(10_000));
}

function byId(supplies: Supply[], id: string): Supply {
  const supply = supplies.find((candidate) => candidate.id === id);
  if (!supply) throw new Error(`no supply ${id} in ${supplies.map((candidate) => candidate.id).join(', ')}`);
  return supply;
}

describe('ippeveprinter through IppDeviceSource', () => {
  const source = new IppDeviceSource({ printers: [uri], timeoutMs: 5_000 });
  let session: DeviceSession;

  beforeAll(async () => {
    [session] = (await source.list()) as [DeviceSession];
  });

  beforeEach(async () => {
    // Waste tank 25 % full, black 75, cyan 50, magenta 33, yellow 67: ippeveprinter's own defaults.
    await setLevels([25, 75, 50, 33, 67]);
  });

  it('reads identity from printer-device-id (IEEE 1284) and the uuid, like any other source', async () => {
    expect(session).toMatchObject({ transport: 'ipp', id: `ipp:${uri}` });
    const reading = await readOnce(session);
    const identity = DeviceIdentitySchema.parse(reading.identity);
    expect(identity).toMatchObject({ manufacturer: 'Trayside', model: 'Virtual IPP' });
    expect(identity.commandSet.length).toBeGreaterThan(0);
    expect(identity.serial).toMatch(/^urn:uuid:/);
    // The attributes as the printer sent them, for support's diagnostics bundle.
    expect(reading.sources?.ipp?.['printer-uuid']).toBe(identity.serial);
    expect(reading.sources?.ipp?.['printer-make-and-model']).toMatch(/Virtual IPP/);
    expect(reading.sources?.ieee1284).toMatchObject({ MFG: 'Trayside' });
  });

  it('reads a waste receptacle that fills and four inks, with no conditions when all is well', async () => {
    const reading = await readOnce(session);
    for (const supply of reading.supplies) SupplySchema.parse(supply);
    expect(reading.supplies).toHaveLength(5);
    expect(byId(reading.supplies, 'supply-1')).toMatchObject({
      kind: 'waste',
      role: 'receptacle',
      level: { kind: 'percent', percent: 25 },
      low: false,
    });
    expect(byId(reading.supplies, 'supply-2')).toMatchObject({ role: 'consumable', level: { kind: 'percent', percent: 75 }, low: false });
    expect(byId(reading.supplies, 'supply-4').level).toEqual({ kind: 'percent', percent: 33 });
    expect(reading.conditions).toEqual([]);
  });

  it('shows a level changed through the web form on the next read, with the state reasons it causes', async () => {
    await setLevels([95, 3, 50, 33, 67]);
    const reading = await readOnce(session);
    expect(byId(reading.supplies, 'supply-1')).toMatchObject({ level: { kind: 'percent', percent: 95 }, low: true, empty: false });
    expect(byId(reading.supplies, 'supply-2')).toMatchObject({ level: { kind: 'percent', percent: 3 }, low: true, empty: false });
    for (const condition of reading.conditions) DeviceConditionSchema.parse(condition);
    expect(reading.conditions.map((condition) => condition.code)).toContain('marker-waste-almost-full');
    expect(reading.conditions.some((condition) => condition.code.endsWith('-low'))).toBe(true);
  });

  it('treats a full waste tank and an empty ink as needing replacement', async () => {
    await setLevels([100, 0, 50, 33, 67]);
    const reading = await readOnce(session);
    expect(byId(reading.supplies, 'supply-1')).toMatchObject({ empty: true });
    expect(byId(reading.supplies, 'supply-2')).toMatchObject({ level: { kind: 'percent', percent: 0 }, empty: true });
    const codes = reading.conditions.map((condition) => condition.code);
    expect(codes).toContain('marker-waste-full');
    expect(reading.conditions.find((condition) => condition.code === 'marker-waste-full')?.severity).toBe('error');
  });

  it('returns the raw printer attributes through the client: printer-state idle and the PWG supply strings', async () => {
    const attributes = await getPrinterAttributes(uri, { timeoutMs: 5_000 });
    expect(attributes['printer-state']).toEqual([3]);
    expect(attributes['printer-supply']).toHaveLength(5);
    expect(attributes['printer-device-id']?.[0]).toMatch(/MFG:Trayside;MDL:Virtual IPP;/);
  });
});

describe('dead and silent printers', () => {
  let silent: http.Server;
  let silentUri: string;

  beforeAll(async () => {
    // Accepts the connection and never answers: a printer that hangs mid-request.
    silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUri = `ipp://127.0.0.1:${(silent.address() as AddressInfo).port}/ipp/print`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('rejects clearly when nothing listens at the printer address', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const [session] = await new IppDeviceSource({ printers: [`ipp://127.0.0.1:${port}/ipp/print`], timeoutMs: 2_000 }).list();
    await expect(session!.read(AbortSignal.timeout(10_000))).rejects.toThrow(/Could not reach .*ECONNREFUSED/);
  });

  it('rejects within its timeout when the printer never answers, instead of hanging', async () => {
    const [session] = await new IppDeviceSource({ printers: [silentUri], timeoutMs: 1_000 }).list();
    const started = Date.now();
    await expect(session!.read(AbortSignal.timeout(10_000))).rejects.toThrow(/did not answer within 1 s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops at once when the monitor aborts the read', async () => {
    const [session] = await new IppDeviceSource({ printers: [silentUri], timeoutMs: 60_000 }).list();
    const controller = new AbortController();
    const pending = session!.read(controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toThrow(/cancelled/);
  });
});
