import { describe, expect, it } from 'vitest';
import { UnreadablePrinterSchema } from '../../common/contract/devices.js';
import { createDeviceSources } from '../device-sources.js';
import { FakeWin32Printers } from '../../test/support/fake-win32.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { explainUnreadablePrinter } from './other-class-driver.js';

const dot4 = { instanceId: 'USB\\VID_03F0&PID_5417&MI_02\\7&1', service: 'Dot4Usb', description: 'HP OfficeJet 8010 series' };

describe('printers another class driver holds', () => {
  it('the panel gets why and what works, without a command-line flag as the only way', () => {
    const panel = UnreadablePrinterSchema.parse(explainUnreadablePrinter(dot4, 'panel'));
    expect(panel.name).toBe('HP OfficeJet 8010 series');
    expect(panel.why).toMatch(/Dot4Usb driver \(IEEE 1284\.4\), which gives other programs no way to ask for status or levels/);
    expect(panel.whatWorks).toMatch(/^If the printer is also on the network, add it from the network printers Trayside found/);
    expect(panel.whatWorks).not.toContain('npm run');
    expect(explainUnreadablePrinter(dot4, 'report').whatWorks).toContain('npm run devices -- --ipp');
  });

  it('a vendor driver and no driver at all get their own reason; a nameless one is named by its instance id', () => {
    expect(explainUnreadablePrinter({ instanceId: 'USB\\VID_04B8&PID_1234\\X', service: 'EpsonUsb' }, 'panel')).toMatchObject({
      name: 'USB\\VID_04B8&PID_1234\\X',
      why: expect.stringMatching(/held by the EpsonUsb driver, not Windows' USB printer driver/),
    });
    expect(explainUnreadablePrinter({ instanceId: 'USB\\X' }, 'panel').why).toMatch(/no driver bound to it yet/);
  });

  it('on Windows (fake Win32 layer) the composed sources list a Dot4 printer as unreadable, and the report line says the same', async () => {
    const win32 = new FakeWin32Printers(new FakeTime());
    win32.others = [dot4];
    const sources = createDeviceSources({
      vendorIds: 'any',
      usbprint: true,
      cupsServer: false,
      loadWin32: async () => win32,
      loadUsb: async () => ({ unavailable: 'no USB bus here' }),
      loadHid: async () => ({ unavailable: 'no HID here' }),
    });
    try {
      for (const source of sources.sources) await source.list();
      expect(sources.unreadable()).toEqual([explainUnreadablePrinter(dot4, 'panel')]);
      expect(sources.problems()).toContain(
        `usbprint: HP OfficeJet 8010 series: ${explainUnreadablePrinter(dot4, 'report').why}. What works: if the printer is also on the network, add it by its IPP address (npm run devices -- --ipp ipp://ADDRESS/ipp/print); otherwise its own maker's software shows its levels.`,
      );
    } finally {
      sources.dispose();
    }
  });
});
