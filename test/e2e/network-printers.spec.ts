import { createNetworkPrinterDirectory } from '../../native/discovery/network-printers.js';
import { DnsSdPrinterDiscovery, type FoundService, type ServiceBrowser } from '../../native/discovery/printer-discovery.js';
import { explainUnreadablePrinter } from '../../native/windows/other-class-driver.js';
import { expect, test } from './harness.js';

// The panel's network printer section in a real browser through the Node host's WebSocket bridge.
// The mDNS layer is scripted here (the real one runs in the discovery tier's namespaces, which the
// browser tier has not); everything from the discovery logic to the page is the app's own.

/** Announces services the way bonjour-service reports them. */
class ScriptedBrowser implements ServiceBrowser {
  private listener: Parameters<ServiceBrowser['start']>[0] | undefined;
  start(listener: Parameters<ServiceBrowser['start']>[0]): void {
    this.listener = listener;
  }
  refresh(): void {}
  dispose(): void {}
  announce(service: Partial<FoundService> & Pick<FoundService, 'fqdn' | 'name'>): void {
    const txt = ['rp=ipp/print', 'ty=ACME Laser 5', 'note=2nd floor', 'UUID=cfe92100-67c4-11d4-a45f-f8d027761251'].map((entry) =>
      new TextEncoder().encode(entry),
    );
    this.listener?.up({ type: 'ipp', host: 'office.local', port: 631, addresses: ['192.0.2.20'], rawTxt: txt, ...service });
  }
}

test('a printer found on the network is added with one click; a Dot4 printer says why it cannot be read', async ({ page, trayside }) => {
  const browser = new ScriptedBrowser();
  const saved: string[] = [];
  const directory = createNetworkPrinterDirectory({
    storage: { readSync: () => undefined, setAside: () => undefined, write: async (text) => void saved.push(text) },
    discovery: new DnsSdPrinterDiscovery(browser),
    configured: [],
    log: () => undefined,
  });
  const dot4 = explainUnreadablePrinter(
    { instanceId: 'USB\\VID_03F0&PID_5417&MI_02\\7&1', service: 'Dot4Usb', description: 'HP OfficeJet 8010 series' },
    'panel',
  );
  const app = await trayside({ core: { networkPrinters: directory, unreadablePrinters: () => [dot4] } });
  try {
    await page.goto(app.url);
    await expect(page.getByRole('heading', { name: "Printers Trayside can't read" })).toBeVisible();
    await expect(page.getByText('HP OfficeJet 8010 series')).toBeVisible();
    await expect(
      page.getByText(/Dot4Usb driver \(IEEE 1284\.4\), which gives other programs no way to ask for status or levels\./),
    ).toBeVisible();

    // Found while the panel is open: it appears without a reload.
    browser.announce({ fqdn: 'Office._ipp._tcp.local', name: 'Office Laser' });
    await expect(page.getByRole('heading', { name: 'Printers on your network' })).toBeVisible();
    await expect(page.getByText('ACME Laser 5 · 2nd floor')).toBeVisible();
    await page.getByRole('button', { name: 'Add Office Laser' }).click();
    await expect(page.getByText('Added', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add Office Laser' })).toHaveCount(0);
    expect(JSON.parse(saved.at(-1)!).printers).toEqual([
      { id: 'uuid:cfe92100-67c4-11d4-a45f-f8d027761251', name: 'Office Laser', uri: 'ipp://192.0.2.20:631/ipp/print' },
    ]);
    expect((await directory.source.list()).map((session) => session.id)).toEqual(['ipp:ipp://192.0.2.20:631/ipp/print']);
  } finally {
    directory.dispose();
  }
});
