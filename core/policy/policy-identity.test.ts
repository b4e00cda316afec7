import { describe, expect, it } from 'vitest';
import { BrandingSchema, type BrandingInput } from '../../common/branding.js';
import { loadPolicy } from './policy.js';
import { policyIdentityOf } from './policy-identity.js';
import type { PolicySeams } from './platform-sources.js';

const BASE: BrandingInput = {
  name: 'Acme PrintCare',
  backendUrl: 'https://api.acme.example',
  signingKeys: ['Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE='],
  productLine: 'acme-inkjet',
};

/** Records every place a reader looks; finds nothing there. */
function recording(platform: NodeJS.Platform): PolicySeams & { looked: string[] } {
  const looked: string[] = [];
  return {
    looked,
    platform,
    run: async (file, args) => {
      looked.push(`${file} ${args.join(' ')}`);
      return { code: 1, stdout: '' };
    },
    readFile: async (path) => {
      looked.push(path);
      return undefined;
    },
  };
}

describe('where the policy is filed', () => {
  it("the branding's policy names are where Windows, macOS and Linux readers look", async () => {
    const branding = BrandingSchema.parse({
      ...BASE,
      policyNames: { vendor: 'Acme Corp', product: 'PrintCare', bundleId: 'com.acme.printcare' },
    });
    const identity = policyIdentityOf(branding);
    expect(identity).toEqual({ vendor: 'Acme Corp', product: 'PrintCare', bundleId: 'com.acme.printcare' });
    const windows = recording('win32');
    await loadPolicy(identity, () => undefined, windows);
    expect(windows.looked).toContain('reg query HKLM\\Software\\Policies\\Acme Corp\\PrintCare');
    const mac = recording('darwin');
    await loadPolicy(identity, () => undefined, mac);
    expect(mac.looked).toContain('/Library/Managed Preferences/com.acme.printcare.plist');
    const linux = recording('linux');
    await loadPolicy(identity, () => undefined, linux);
    expect(linux.looked).toContain('/etc/printcare/policy.json');
  });

  it('without policy names, vendor and product are the name without spaces, the bundle id com.<name>.app', () => {
    expect(policyIdentityOf(BrandingSchema.parse(BASE))).toEqual({
      vendor: 'AcmePrintCare',
      product: 'AcmePrintCare',
      bundleId: 'com.acmeprintcare.app',
    });
  });

  it('a vendor that is no registry key name, or a bundle id that is not reverse-DNS, is named at load', () => {
    const vendor = BrandingSchema.safeParse({
      ...BASE,
      policyNames: { vendor: 'Acme\\..\\Evil', product: 'PrintCare', bundleId: 'com.acme.printcare' },
    });
    expect(vendor.success).toBe(false);
    expect(vendor.error?.issues[0]).toMatchObject({
      path: ['policyNames', 'vendor'],
      message: expect.stringContaining('registry key name'),
    });
    const bundle = BrandingSchema.safeParse({ ...BASE, policyNames: { vendor: 'Acme', product: 'PrintCare', bundleId: 'printcare' } });
    expect(bundle.error?.issues[0]).toMatchObject({ path: ['policyNames', 'bundleId'], message: expect.stringContaining('reverse-DNS') });
  });
});
