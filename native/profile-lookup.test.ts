import { describe, expect, it } from 'vitest';
import { createProfileLookup } from './profile-lookup.js';
import { builtinProfiles } from './profiles/builtin.js';
import { parseProfile } from './profiles/profiles.js';
import { DEFAULT_PRINTER_POLICY } from './usb/usb-printer-source.js';

const oemPrinter = parseProfile(
  {
    id: 'acme-laser',
    name: 'ACME LaserJet family',
    match: { transport: 'usb-printer', usb: [{ vendorId: '0x1209', productId: '0x7701' }] },
    pjlStatus: true,
    polling: { minIntervalMs: 5000, maxIntervalMs: 60000, duringJobMinIntervalMs: 45000 },
  },
  'acme-laser.json',
);

describe('profile lookup', () => {
  it('ships profiles that all validate', () => {
    expect(builtinProfiles().map((profile) => profile.id)).toEqual([
      'simulated-printer',
      'generic-hid-battery',
      'generic-hid-ups',
      'generic-ipp-printer',
    ]);
  });

  it('lets a printer named by a profile answer PJL and poll as gently as the profile says during jobs', () => {
    const lookup = createProfileLookup([...builtinProfiles(), oemPrinter]);
    expect(lookup.printerPolicy({ vendorId: 0x1209, productId: 0x7701 })).toEqual({
      pjl: true,
      minIntervalDuringJobMs: 45000,
      profile: 'ACME LaserJet family',
    });
  });

  it('never sends PJL to a printer no profile names', () => {
    const lookup = createProfileLookup([...builtinProfiles(), oemPrinter]);
    expect(lookup.printerPolicy({ vendorId: 0x04b8, productId: 0x0001, manufacturer: 'EPSON', model: 'ET-2850' })).toEqual(
      DEFAULT_PRINTER_POLICY,
    );
  });

  it('makes a HID device readable only when a profile names it by its ids', () => {
    const named = parseProfile(
      { id: 'acme-mouse', name: 'ACME mouse', match: { transport: 'hid', usb: [{ vendorId: 0x1209 }] } },
      'acme-mouse.json',
    );
    const lookup = createProfileLookup([...builtinProfiles(), named]);
    expect(lookup.hasHidProfile({ vendorId: 0x1209, productId: 5 })).toBe(true);
    expect(lookup.hasHidProfile({ vendorId: 0x046d, productId: 5, usagePage: 0x84 })).toBe(false);
  });
});
