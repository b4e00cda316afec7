import { describe, expect, it } from 'vitest';
import { explainOtherClassDriver } from './cli/devices-report.js';
import type { CupsSource } from './cups/cups-source.js';
import { withoutCupsHeld } from './device-sources.js';
import type { DeviceSession, DeviceSource } from './transport.js';

function session(id: string): DeviceSession {
  return { id, transport: 'usb-printer', read: async () => Promise.reject(new Error('not read here')), close: async () => undefined };
}

describe('composed device sources', () => {
  it('a USB printer a CUPS queue holds (same serial) is shown once, through CUPS; others stay on the direct reader', async () => {
    const usb: DeviceSource = {
      name: 'usb-printer',
      list: async () => [session('usb-printer:04b8:1234:sn-X4T1234:if0'), session('usb-printer:04b8:1235:sn-OTHER:if0')],
      watch: () => ({ dispose: () => undefined }),
    };
    const cups = {
      queues: [{ name: 'ET-2850', uri: 'ipp://localhost:631/printers/ET-2850', deviceUri: 'usb://EPSON/ET-2850?serial=x4t1234' }],
    } as unknown as CupsSource;
    const ids = (await withoutCupsHeld(usb, cups).list()).map((listed) => listed.id);
    expect(ids).toEqual(['usb-printer:04b8:1235:sn-OTHER:if0']);
  });

  it('a printer bound to Dot4 gets a plain reason and what works instead', () => {
    const text = explainOtherClassDriver({
      instanceId: 'USB\\VID_03F0&PID_5417&MI_02\\7&1',
      service: 'Dot4Usb',
      description: 'HP OfficeJet 8010 series',
    });
    expect(text).toMatch(/^HP OfficeJet 8010 series: Windows talks to it through the Dot4Usb driver/);
    expect(text).toMatch(/if the printer is also on the network, add it by its IPP address/);
  });
});
