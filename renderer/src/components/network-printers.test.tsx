import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DiscoveredPrinter } from '../../../common/contract/devices.js';
import { NetworkPrintersView } from './network-printers.js';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

const office: DiscoveredPrinter = {
  id: 'uuid:1',
  name: 'Office Laser',
  model: 'ACME Laser 5',
  location: '2nd floor',
  uri: 'ipps://192.168.1.20:631/ipp/print',
  secure: true,
  added: false,
};
const render = (props: Partial<Parameters<typeof NetworkPrintersView>[0]>) =>
  renderToStaticMarkup(<NetworkPrintersView printers={[]} unreadable={[]} adding={null} error={null} onAdd={() => undefined} {...props} />);

describe('network printers in the panel', () => {
  it('says nothing while nothing was found', () => {
    expect(render({})).toBe('');
  });

  it('lists a found printer with its model and place, and an Add button named for it; an added one says Added', () => {
    const html = render({
      printers: [office, { ...office, id: 'uuid:2', name: 'Hall Inkjet', model: undefined, location: undefined, added: true }],
    } as never);
    expect(text(html)).toContain('Printers on your network');
    expect(text(html)).toContain('Office Laser ACME Laser 5 · 2nd floor Add');
    expect(html).toContain('aria-label="Add Office Laser"');
    expect(text(html)).toContain('Hall Inkjet Added');
    expect(html.match(/<button/g)).toHaveLength(1);
  });

  it('while one is being added, its button says so and no other can be pressed; a failure is shown as said', () => {
    const html = render({
      printers: [office, { ...office, id: 'uuid:3', name: 'Other' }],
      adding: 'uuid:1',
      error: 'Office Laser is added for now, but could not be kept for the next start: disk full',
    });
    expect(text(html)).toContain('Adding…');
    expect(html.match(/disabled=""/g)).toHaveLength(2);
    expect(html).toContain('role="alert"');
    expect(text(html)).toContain('could not be kept for the next start: disk full');
  });

  it('a printer bound to Dot4 is explained: why its levels cannot be read, and what works instead', () => {
    // As native/windows/other-class-driver.ts words it for the panel.
    const dot4 = {
      name: 'HP OfficeJet 8010 series',
      why: 'Windows talks to it through the Dot4Usb driver (IEEE 1284.4), which gives other programs no way to ask for status or levels',
      whatWorks:
        "If the printer is also on the network, add it from the network printers Trayside found, or start Trayside with --ipp ipp://ADDRESS/ipp/print; otherwise its own maker's software shows its levels.",
    };
    const html = render({ unreadable: [dot4] });
    expect(text(html)).toContain("Printers Trayside can't read");
    expect(text(html)).toContain(
      'HP OfficeJet 8010 series Windows talks to it through the Dot4Usb driver (IEEE 1284.4), which gives other programs no way to ask for status or levels.',
    );
    expect(text(html)).toContain('If the printer is also on the network, add it from the network printers Trayside found');
  });
});
