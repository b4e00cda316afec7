import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { systemTimers, type Timers } from '../../common/lifecycle.js';
import { CupsSource, cupsIdentity, cupsReading, identityFromDeviceUri, printerKey } from './cups-source.js';

describe('CUPS queue readings', () => {
  it('identity from the device-uri of a USB queue, never the queue uuid or "Printer - IPP Everywhere"', () => {
    const identity = cupsIdentity(
      {
        'printer-make-and-model': ['Printer - IPP Everywhere'],
        'device-uri': ['usb://EPSON/ET-2850%20Series?serial=X4T1234&interface=1'],
        'printer-uuid': ['urn:uuid:0d7c…'],
      },
      'ET-2850',
    );
    expect(identity).toMatchObject({ manufacturer: 'EPSON', model: 'ET-2850 Series', serial: 'X4T1234' });
    const generic = cupsIdentity({ 'printer-make-and-model': ['Printer - IPP Everywhere'], 'printer-uuid': ['urn:uuid:1'] }, 'office');
    expect(generic.manufacturer).toBe('Unknown maker');
    expect(generic.serial).toBeUndefined();
  });

  it('the 1284 ID wins over the device-uri', () => {
    expect(
      cupsIdentity({ 'printer-device-id': ['MFG:Kyocera;MDL:ECOSYS M2540dn;SN:VCF1;'], 'device-uri': ['ipp://10.0.0.5/ipp/print'] }, 'q'),
    ).toMatchObject({ manufacturer: 'Kyocera', model: 'ECOSYS M2540dn', serial: 'VCF1' });
  });

  it('levels carry "as of" marker-change-time, and a queue that never heard levels says so', () => {
    const reading = cupsReading(
      {
        'marker-names': ['Black'],
        'marker-levels': [40],
        'marker-types': ['toner'],
        'marker-colors': ['#000000'],
        'marker-change-time': [1_790_000_000],
      },
      'ipp://localhost:631/printers/q',
      'q',
    );
    expect(reading.supplies[0]).toMatchObject({ name: 'Black', level: { kind: 'percent', percent: 40 }, levelsAsOf: 1_790_000_000_000 });
    expect(reading.facts?.['Levels as of']).toBe(new Date(1_790_000_000_000).toISOString());
    const none = cupsReading({ 'printer-name': ['q'] }, 'ipp://localhost:631/printers/q', 'q');
    expect(none.supplies).toEqual([]);
    expect(none.facts?.['Levels']).toMatch(/no levels for this queue yet/);
  });

  it('two queues for one printer have one key (its serial)', () => {
    expect(printerKey({ name: 'a', uri: 'x', deviceUri: 'usb://HP/LaserJet?serial=ABC' })).toBe(
      printerKey({ name: 'b', uri: 'y', deviceId: 'MFG:HP;MDL:LaserJet;SN:abc;' }),
    );
    expect(identityFromDeviceUri('ipp://host/ipp/print')).toBeUndefined();
  });
});

describe('the CUPS queue list while watched', () => {
  it('is asked less and less often while no scheduler answers, and every 2 s again once one does', async () => {
    let answering = false;
    const scheduler = createServer((request, response) => {
      if (!answering) {
        request.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        // A scheduler without queues: IPP 2.0, client-error-not-found, the request's id, end of attributes.
        const reply = Buffer.from([2, 0, 0x04, 0x06, ...Buffer.concat(chunks).subarray(4, 8), 0x03]);
        response.writeHead(200, { 'content-type': 'application/ipp' }).end(reply);
      });
    });
    await new Promise<void>((listening) => scheduler.listen(0, '127.0.0.1', listening));
    const port = (scheduler.address() as AddressInfo).port;
    // Rescans wait on timers the test fires; each request's own time limit runs on real timers.
    const requestLimitMs = 1_234;
    const delays: number[] = [];
    let pending: (() => void) | undefined;
    const timers: Timers = {
      setTimeout(callback, delayMs) {
        if (delayMs === requestLimitMs) return systemTimers.setTimeout(callback, delayMs);
        delays.push(delayMs);
        pending = callback;
        return { dispose: () => (pending = pending === callback ? undefined : pending) };
      },
    };
    const source = new CupsSource({ server: `127.0.0.1:${port}`, timers, timeoutMs: requestLimitMs });
    const watching = source.watch(() => undefined);
    const rescan = async (): Promise<void> => {
      const before = delays.length;
      const run = pending!;
      pending = undefined;
      run();
      await vi.waitFor(() => expect(delays).toHaveLength(before + 1));
    };
    try {
      for (let step = 0; step < 6; step += 1) await rescan();
      expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
      expect(source.problem).toMatch(/^no CUPS scheduler answered on 127\.0\.0\.1:/);
      answering = true;
      await rescan();
      expect(delays.at(-1)).toBe(2_000);
      expect(source.problem).toBeUndefined();
    } finally {
      watching.dispose();
      await new Promise((closed) => scheduler.close(closed));
    }
  });
});
