import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrandingSchema } from '../../common/branding.js';
import type { DeviceSnapshot } from '../../common/device.js';
import { classifySupply } from '../../common/supply.js';
import { buildStoreUrl, checkOpenableUrl, resolveReorderPart } from './reorder.js';

const branding = BrandingSchema.parse(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../assets/branding/demo.json'), 'utf8')));
const store = branding.store!;
const hosts = store.allowedHosts;

describe('store URLs per region and part', () => {
  const cases: Array<[string | null, string]> = [
    ['US', 'https://shop.example.com/en-US/supplies/TS-805XL-C?qty=2&utm_source=trayside&utm_campaign=cyan-low&ref=r1'],
    ['DE', 'https://shop.example.de/de-DE/verbrauchsmaterial/TS-805XL-C?menge=2&utm_source=trayside&utm_campaign=cyan-low&ref=r1'],
    ['GB', 'https://shop.example.co.uk/en-GB/p/TS-805XL-C?quantity=2&campaign=cyan-low&ref=r1'],
    // A region without its own store uses the default region's.
    ['FR', 'https://shop.example.com/en-US/supplies/TS-805XL-C?qty=2&utm_source=trayside&utm_campaign=cyan-low&ref=r1'],
    [null, 'https://shop.example.com/en-US/supplies/TS-805XL-C?qty=2&utm_source=trayside&utm_campaign=cyan-low&ref=r1'],
  ];
  it.each(cases)('region %s', (region, expected) => {
    expect(buildStoreUrl(store, { region, items: [{ partNumber: 'TS-805XL-C', quantity: 2 }], campaign: 'cyan-low', ref: 'r1' })).toEqual({
      ok: true,
      url: expected,
    });
  });

  it('builds one cart URL for several parts, in the region syntax', () => {
    const items = [
      { partNumber: 'TS-805XL-C', quantity: 1 },
      { partNumber: 'TS-805XL-K', quantity: 3 },
    ];
    expect(buildStoreUrl(store, { region: 'US', items, campaign: '', ref: 'r2' })).toEqual({
      ok: true,
      url: 'https://shop.example.com/en-US/cart/add?items=TS-805XL-C:1,TS-805XL-K:3&utm_source=trayside&utm_campaign=&ref=r2',
    });
    expect(buildStoreUrl(store, { region: 'DE', items, campaign: 'x', ref: 'r2' })).toMatchObject({
      ok: true,
      url: 'https://shop.example.de/de-DE/warenkorb?artikel=TS-805XL-C*1;TS-805XL-K*3&utm_campaign=x&ref=r2',
    });
    expect(buildStoreUrl(store, { region: 'GB', items, campaign: 'x', ref: 'r2' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/one by one/),
    });
  });

  it('encodes part numbers so they cannot change the path, query or host', () => {
    const result = buildStoreUrl(store, {
      region: 'US',
      items: [{ partNumber: '../../@evil.io/?x=1#', quantity: 1 }],
      campaign: 'c',
      ref: 'r',
    });
    expect(result.ok).toBe(true);
    const url = new URL((result as { url: string }).url);
    expect(url.hostname).toBe('shop.example.com');
    expect(url.pathname).toBe('/en-US/supplies/..%2F..%2F%40evil.io%2F%3Fx%3D1%23');
  });

  it.each(['.', '..'])('refuses the part number %s, which would move the link up the store path', (partNumber) => {
    expect(buildStoreUrl(store, { region: 'US', items: [{ partNumber, quantity: 1 }], campaign: 'c', ref: 'r' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a part number/),
    });
    const items = [
      { partNumber: 'TS-805XL-C', quantity: 1 },
      { partNumber, quantity: 1 },
    ];
    expect(buildStoreUrl(store, { region: 'US', items, campaign: 'c', ref: 'r' })).toMatchObject({ ok: false });
  });
});

describe('links that are never opened', () => {
  const refused: Array<[string, string]> = [
    ['plain http', 'http://shop.example.com/cart'],
    ['a foreign host', 'https://evil.io/shop.example.com'],
    ['javascript:', 'javascript:alert(1)//https://shop.example.com/'],
    ['JavaScript: with odd case and spaces', ' JaVaScRiPt:alert(document.domain)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['file:', 'file:///etc/passwd'],
    ['a look-alike suffix', 'https://shop.example.com.evil.io/cart'],
    ['a look-alike prefix', 'https://evilshop.example.com/cart'],
    ['a subdomain not on the list', 'https://www.shop.example.com/cart'],
    ['userinfo before the real host', 'https://shop.example.com@evil.io/cart'],
    ['userinfo with a password', 'https://shop.example.com:443@evil.io/'],
    ['credentials on the right host', 'https://user:pass@shop.example.com/'],
    ['a backslash trick', 'https://evil.io\\@shop.example.com/'],
    ['an IDN homograph (Cyrillic о)', 'https://shоp.example.com/cart'],
    ['an IDN homograph (Cyrillic е in example)', 'https://shop.еxample.com/cart'],
    ['punycode of a homograph', 'https://xn--shp-ibb.example.com/'],
    ['a trailing dot', 'https://shop.example.com./cart'],
    ['a port', 'https://shop.example.com:8443/cart'],
    ['an IP address', 'https://93.184.216.34/'],
    ['no scheme', '//shop.example.com/cart'],
    ['not a URL', 'shop.example.com/cart'],
    ['an empty string', ''],
  ];
  it.each(refused)('refuses %s', (_name, url) => {
    const result = checkOpenableUrl(url, hosts);
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason.length).toBeGreaterThan(10);
  });

  it('opens the exact allow-listed hosts (upper case is the same host)', () => {
    expect(checkOpenableUrl('https://shop.example.com/cart?x=1', hosts)).toEqual({ ok: true, url: 'https://shop.example.com/cart?x=1' });
    expect(checkOpenableUrl('https://SHOP.Example.COM/a', hosts)).toEqual({ ok: true, url: 'https://shop.example.com/a' });
  });

  it('names the refused host and the reason', () => {
    expect(checkOpenableUrl('https://shop.example.com.evil.io/', hosts)).toEqual({
      ok: false,
      reason: "shop.example.com.evil.io is not one of the manufacturer's stores, so Trayside did not open it.",
    });
    expect(checkOpenableUrl('http://shop.example.com/', hosts)).toEqual({
      ok: false,
      reason: 'Only secure https links are opened; this one is http.',
    });
  });

  it('refuses templates that put a placeholder in the host at load time', () => {
    const bad = BrandingSchema.safeParse({
      ...JSON.parse(readFileSync(resolve(import.meta.dirname, '../../assets/branding/demo.json'), 'utf8')),
      store: { ...store, regions: { US: { urlTemplate: 'https://{part}.example.com/', locale: 'en-US' } } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.join('.')).toBe('store.regions.US.urlTemplate');
  });
});

describe('the exact part of the supply', () => {
  const device: DeviceSnapshot = {
    id: 'sim-1',
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Trayside Demo Printer', commandSet: [] },
    state: 'attention',
    statusLine: 'Cyan low',
    conditions: [],
    supplies: [
      classifySupply({
        id: 'black',
        name: 'Black ink',
        kind: 'ink',
        role: 'consumable',
        color: { name: 'black', hex: '#000000' },
        level: { kind: 'percent', percent: 60 },
        lowThreshold: 10,
        partNumber: 'TS-805XL-K',
      }),
      classifySupply({
        id: 'cyan',
        name: 'Cyan ink',
        kind: 'ink',
        role: 'consumable',
        color: { name: 'cyan', hex: '#00a0d8' },
        level: { kind: 'percent', percent: 6 },
        lowThreshold: 10,
        partNumber: 'TS-805XL-C',
      }),
      classifySupply({
        id: 'yellow',
        name: 'Yellow ink',
        kind: 'ink',
        role: 'consumable',
        color: { name: 'yellow', hex: '#f2c200' },
        level: { kind: 'percent', percent: 50 },
        lowThreshold: 10,
      }),
    ],
    facts: {},
    stale: false,
    updatedAt: 0,
  };
  it('uses the part number of the named colour, the lowest supply, or an explicit part', () => {
    expect(resolveReorderPart({ supplyColor: 'Black' }, device)).toEqual({ ok: true, partNumber: 'TS-805XL-K', supplyName: 'Black ink' });
    expect(resolveReorderPart({}, device)).toEqual({ ok: true, partNumber: 'TS-805XL-C', supplyName: 'Cyan ink' });
    expect(resolveReorderPart({ partNumber: 'TS-805XL-K' }, device)).toEqual({
      ok: true,
      partNumber: 'TS-805XL-K',
      supplyName: 'Black ink',
    });
  });
  it('says why when the device does not report a part number', () => {
    expect(resolveReorderPart({ supplyColor: 'yellow' }, device)).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not report the part number of its Yellow ink/),
    });
    expect(resolveReorderPart({ supplyColor: 'cyan' }, undefined)).toMatchObject({ ok: false });
  });
});
