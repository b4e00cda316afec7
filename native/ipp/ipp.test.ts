import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceIdentitySchema } from '../../common/device.js';
import { SupplySchema } from '../../common/supply.js';
import { getPrinterAttributes, IppRequestError } from './ipp-client.js';
import {
  decodeIppMessage,
  encodeIppMessage,
  IPP_GROUP,
  IPP_OPERATION,
  IPP_TAG,
  IppDecodeError,
  type IppOutAttribute,
} from './ipp-encoding.js';
import { IppDeviceSource, identityFromAttributes, ippSessionId } from './ipp-source.js';

const RUNS = 10_000;

describe('IPP encoding (RFC 8010)', () => {
  it('decodes a hand-assembled reply byte by byte, additional values and a collection included', () => {
    const bytes = Uint8Array.from([
      0x01,
      0x01,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x07, // IPP/1.1, successful-ok, request 7
      0x04, // printer-attributes-tag
      0x23,
      0x00,
      0x0d,
      ...Buffer.from('printer-state'),
      0x00,
      0x04,
      0x00,
      0x00,
      0x00,
      0x05, // enum 5
      0x44,
      0x00,
      0x15,
      ...Buffer.from('printer-state-reasons'),
      0x00,
      0x0b,
      ...Buffer.from('media-empty'),
      0x44,
      0x00,
      0x00,
      0x00,
      0x0f,
      ...Buffer.from('door-open-error'), // additional value: empty name
      0x34,
      0x00,
      0x09,
      ...Buffer.from('media-col'),
      0x00,
      0x00, // begCollection
      0x4a,
      0x00,
      0x00,
      0x00,
      0x0a,
      ...Buffer.from('media-type'),
      0x44,
      0x00,
      0x00,
      0x00,
      0x0a,
      ...Buffer.from('stationery'),
      0x37,
      0x00,
      0x00,
      0x00,
      0x00, // endCollection
      0x13,
      0x00,
      0x0d,
      ...Buffer.from('printer-uuid2'),
      0x00,
      0x00, // no-value
      0x03,
    ]);
    const message = decodeIppMessage(bytes);
    expect(message).toMatchObject({ version: [1, 1], code: 0, requestId: 7 });
    expect(message.groups[0]).toEqual({
      tag: 0x04,
      attributes: {
        'printer-state': [5],
        'printer-state-reasons': ['media-empty', 'door-open-error'],
        'media-col': [{ collection: { 'media-type': ['stationery'] } }],
        'printer-uuid2': [null],
      },
    });
  });

  it('says where a reply breaks instead of returning half of it', () => {
    expect(() => decodeIppMessage(Uint8Array.from([0x01, 0x01, 0x00]))).toThrow(IppDecodeError);
    expect(() => decodeIppMessage(Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, 0x04, 0x44, 0x00, 0x05, 0x61]))).toThrow(/ends inside a name/);
  });

  it('keeps a hostile attribute name like __proto__ as plain data', () => {
    const bytes = encodeIppMessage({
      code: 0,
      requestId: 1,
      groups: [{ tag: IPP_GROUP.printer, attributes: [{ name: '__proto__', tag: IPP_TAG.keyword, values: ['x'] }] }],
    });
    const attributes = decodeIppMessage(bytes).groups[0]!.attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(attributes, '__proto__')).toBe(true);
  });

  it('round-trips generated attribute groups', () => {
    const attributeArbitrary = fc.oneof(
      fc.record({
        name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
        tag: fc.constant<number>(IPP_TAG.integer),
        values: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
        tag: fc.constant<number>(IPP_TAG.boolean),
        values: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
        tag: fc.constantFrom<number>(IPP_TAG.keyword, IPP_TAG.text, IPP_TAG.name, IPP_TAG.uri),
        values: fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(attributeArbitrary, { selector: (attribute) => attribute.name, maxLength: 8 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (attributes, requestId) => {
          const bytes = encodeIppMessage({
            code: 0x0001,
            requestId,
            groups: [{ tag: IPP_GROUP.printer, attributes: attributes as IppOutAttribute[] }],
          });
          const message = decodeIppMessage(bytes);
          const decoded = message.groups[0]!.attributes;
          return (
            message.requestId === requestId &&
            attributes.every((attribute) => JSON.stringify(decoded[attribute.name]) === JSON.stringify(attribute.values))
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws anything but IppDecodeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeIppMessage(bytes);
          return true;
        } catch (error) {
          return error instanceof IppDecodeError;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// --- client and source against a loopback HTTP server that speaks IPP ---

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

type Handler = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `ipp://127.0.0.1:${port}/ipp/print`;
}

function printerReply(requestId: number, attributes: IppOutAttribute[], status = 0): Buffer {
  return Buffer.from(
    encodeIppMessage({
      code: status,
      requestId,
      groups: [
        { tag: IPP_GROUP.operation, attributes: [{ name: 'attributes-charset', tag: IPP_TAG.charset, values: ['utf-8'] }] },
        { tag: IPP_GROUP.printer, attributes },
      ],
    }),
  );
}

const LASER_ATTRIBUTES: IppOutAttribute[] = [
  { name: 'printer-make-and-model', tag: IPP_TAG.text, values: ['HP LaserJet Pro M404-M405'] },
  {
    name: 'printer-device-id',
    tag: IPP_TAG.text,
    values: ['MFG:HP;MDL:HP LaserJet Pro M404-M405;CMD:PCL5c,PJL,PWGRaster;CLS:PRINTER;SN:PHDBH22417;'],
  },
  { name: 'printer-firmware-string-version', tag: IPP_TAG.text, values: ['MOGAMIXXXN002.2445A.00'] },
  { name: 'printer-uuid', tag: IPP_TAG.uri, values: ['urn:uuid:2ed83c55-f841-5ec0-cca8-af11a03f336c'] },
  { name: 'printer-state', tag: IPP_TAG.enum, values: [3] },
  { name: 'printer-state-reasons', tag: IPP_TAG.keyword, values: ['toner-low-report'] },
  {
    name: 'printer-supply',
    tag: IPP_TAG.octetString,
    values: ['type=tonerCartridge;maxcapacity=100;level=9;class=supplyThatIsConsumed;unit=percent;colorantname=black;'],
  },
  { name: 'printer-supply-description', tag: IPP_TAG.text, values: ['Black Cartridge'] },
];

describe('getPrinterAttributes', () => {
  it('POSTs Get-Printer-Attributes as application/ipp and returns the printer group', async () => {
    let seen: { contentType: string | undefined; operation: number; uri: unknown; requested: unknown } | undefined;
    const uri = await serve((request, body, response) => {
      const message = decodeIppMessage(body);
      const operation = message.groups[0]!.attributes;
      seen = {
        contentType: request.headers['content-type'],
        operation: message.code,
        uri: operation['printer-uri']?.[0],
        requested: operation['requested-attributes'],
      };
      response.writeHead(200, { 'content-type': 'application/ipp' }).end(printerReply(message.requestId, LASER_ATTRIBUTES));
    });
    const attributes = await getPrinterAttributes(uri);
    expect(seen).toMatchObject({ contentType: 'application/ipp', operation: IPP_OPERATION.getPrinterAttributes, uri });
    expect(seen?.requested).toEqual(expect.arrayContaining(['printer-supply', 'marker-levels', 'printer-device-id']));
    expect(attributes['printer-state']).toEqual([3]);
    expect(attributes['attributes-charset']).toBeUndefined();
  });

  it('rejects with the printer address and a hint when nothing listens there', async () => {
    const uri = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    await expect(getPrinterAttributes(uri)).rejects.toMatchObject({ failure: 'network', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('gives up after the timeout when the printer accepts but never answers', async () => {
    const uri = await serve(() => undefined);
    await expect(getPrinterAttributes(uri, { timeoutMs: 200 })).rejects.toMatchObject({
      failure: 'timeout',
      message: expect.stringContaining('did not answer within 200 ms'),
    });
  });

  it('stops when the caller aborts', async () => {
    const uri = await serve(() => undefined);
    const controller = new AbortController();
    const pending = getPrinterAttributes(uri, { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ failure: 'aborted' });
  });

  it('names the IPP status when the printer refuses, and an HTTP error when the path is wrong', async () => {
    const refusing = await serve((_request, body, response) =>
      response.writeHead(200).end(printerReply(decodeIppMessage(body).requestId, [], 0x0406)),
    );
    await expect(getPrinterAttributes(refusing)).rejects.toMatchObject({
      failure: 'ipp',
      message: expect.stringContaining('client-error-not-found'),
    });
    const notFound = await serve((_request, _body, response) => response.writeHead(404).end());
    await expect(getPrinterAttributes(notFound)).rejects.toMatchObject({ failure: 'http', message: expect.stringContaining('HTTP 404') });
  });

  it('refuses a reply that is not IPP and an address that is not a printer URI', async () => {
    const html = await serve((_request, _body, response) => response.writeHead(200).end('<html>'));
    await expect(getPrinterAttributes(html)).rejects.toMatchObject({ failure: 'decode' });
    await expect(getPrinterAttributes('ftp://printer/')).rejects.toBeInstanceOf(IppRequestError);
    await expect(getPrinterAttributes('not a uri')).rejects.toMatchObject({
      failure: 'invalid-uri',
      message: expect.stringContaining('ipp://host'),
    });
  });
});

describe('IppDeviceSource', () => {
  it('lists configured printers without network and reads one into a DeviceReading', async () => {
    const uri = await serve((_request, body, response) =>
      response.writeHead(200).end(printerReply(decodeIppMessage(body).requestId, LASER_ATTRIBUTES)),
    );
    const source = new IppDeviceSource({ printers: [uri] });
    const [session] = await source.list();
    expect(session).toMatchObject({ id: ippSessionId(uri), transport: 'ipp' });
    const reading = await session!.read(new AbortController().signal);
    expect(DeviceIdentitySchema.parse(reading.identity)).toEqual({
      manufacturer: 'HP',
      model: 'LaserJet Pro M404-M405',
      serial: 'PHDBH22417',
      firmware: 'MOGAMIXXXN002.2445A.00',
      commandSet: ['PCL5c', 'PJL', 'PWGRaster'],
    });
    expect(reading.supplies.map((supply) => SupplySchema.parse(supply))).toEqual([
      expect.objectContaining({ name: 'Black Cartridge', kind: 'toner', level: { kind: 'percent', percent: 9 }, low: true }),
    ]);
    expect(reading.conditions).toEqual([expect.objectContaining({ code: 'toner-low' })]);
  });

  it('reports added and removed printers as attach and detach', async () => {
    const source = new IppDeviceSource({ printers: ['ipp://printer-a.local/ipp/print'] });
    const events: string[] = [];
    const subscription = source.watch((event) => events.push(event.type === 'attached' ? `+${event.session.id}` : `-${event.id}`));
    source.setPrinters(['ipp://printer-b.local:8631/ipp/print']);
    subscription.dispose();
    expect(events).toEqual(['-ipp:ipp://printer-a.local/ipp/print', '+ipp:ipp://printer-b.local:8631/ipp/print']);
    expect(() => source.setPrinters(['printer-c'])).toThrow(/ipp:\/\/host/);
  });

  it('falls back to printer-make-and-model and the uuid when there is no 1284 ID', () => {
    expect(
      identityFromAttributes(
        { 'printer-make-and-model': ['Brother HL-L2350DW series'], 'printer-uuid': ['urn:uuid:e3248000-80ce-11db-8000-30055ce13be2'] },
        'ipp://x',
      ),
    ).toEqual({
      manufacturer: 'Brother',
      model: 'HL-L2350DW series',
      serial: 'urn:uuid:e3248000-80ce-11db-8000-30055ce13be2',
      commandSet: [],
    });
  });
});
