import { describe, expect, it } from 'vitest';
import { cupsIdentity, cupsReading, identityFromDeviceUri, printerKey } from './cups-source.js';

describe('CUPS queue readings', () => {
  it('identity from the device-uri of a USB queue, never the queue uuid or "Printer - IPP Everywhere"', () => {
    const identity = cupsIdentity(
      { 'printer-make-and-model': ['Printer - IPP Everywhere'], 'device-uri': ['usb://EPSON/ET-2850%20Series?serial=X4T1234&interface=1'], 'printer-uuid': ['urn:uuid:0d7c…'] },
      'ET-2850',
    );
    expect(identity).toMatchObject({ manufacturer: 'EPSON', model: 'ET-2850 Series', serial: 'X4T1234' });
    const generic = cupsIdentity({ 'printer-make-and-model': ['Printer - IPP Everywhere'], 'printer-uuid': ['urn:uuid:1'] }, 'office');
    expect(generic.manufacturer).toBe('Unknown maker');
    expect(generic.serial).toBeUndefined();
  });

  it('the 1284 ID wins over the device-uri', () => {
    expect(cupsIdentity({ 'printer-device-id': ['MFG:Kyocera;MDL:ECOSYS M2540dn;SN:VCF1;'], 'device-uri': ['ipp://10.0.0.5/ipp/print'] }, 'q')).toMatchObject({ manufacturer: 'Kyocera', model: 'ECOSYS M2540dn', serial: 'VCF1' });
  });

  it('levels carry "as of" marker-change-time, and a queue that never heard levels says so', () => {
    const reading = cupsReading(
      { 'marker-names': ['Black'], 'marker-levels': [40], 'marker-types': ['toner'], 'marker-colors': ['#000000'], 'marker-change-time': [1_790_000_000] },
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
    expect(printerKey({ name: 'a', uri: 'x', deviceUri: 'usb://HP/LaserJet?serial=ABC' })).toBe(printerKey({ name: 'b', uri: 'y', deviceId: 'MFG:HP;MDL:LaserJet;SN:abc;' }));
    expect(identityFromDeviceUri('ipp://host/ipp/print')).toBeUndefined();
  });
});
