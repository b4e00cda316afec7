import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../common/settings.js';
import { EMPTY_POLICY } from '../../common/policy.js';
import { readUpdatePolicy } from '../updates/policy.js';
import { backendUrlOf, governSettings, loadPolicy, updatePolicyOf, validatePolicyValues } from './policy.js';
import type { PolicyIdentity, PolicySeams } from './platform-sources.js';

const ACME: PolicyIdentity = { vendor: 'Acme', product: 'AcmeTray', bundleId: 'com.acme.tray' };

/** `reg query` as Windows prints it: the key, then four-space separated name, type, data. */
function regOutput(key: string, values: [string, string, string][]): string {
  return `\r\nHKEY_LOCAL_MACHINE\\${key}\r\n${values.map(([name, type, data]) => `    ${name}    ${type}    ${data}`).join('\r\n')}\r\n\r\n`;
}

function fakeWindows(keys: Record<string, [string, string, string][]>): PolicySeams & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    platform: 'win32',
    run: async (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      const values = keys[args[1]!];
      // reg exits 1 with "ERROR: The system was unable to find the specified registry key" when it is absent.
      return values === undefined ? { code: 1, stdout: '' } : { code: 0, stdout: regOutput(args[1]!, values) };
    },
    readFile: async () => undefined,
  };
}

describe('enterprise policy from the platform', () => {
  it('Windows: HKLM outranks HKCU, DWORDs become booleans and numbers, bad and unknown values are logged and ignored', async () => {
    const seams = fakeWindows({
      'HKLM\\Software\\Policies\\Acme\\AcmeTray': [
        ['ConsentCeiling', 'REG_SZ', 'anonymous-usage'],
        ['UpdatesEnabled', 'REG_DWORD', '0x0'],
        ['UpdateDeferDays', 'REG_DWORD', '0x3e8'],
        ['ConsentCieling', 'REG_SZ', 'none'],
      ],
      'HKCU\\Software\\Policies\\Acme\\AcmeTray': [
        ['ConsentCeiling', 'REG_SZ', 'support-sharing'],
        ['UpdateChannel', 'REG_SZ', 'beta'],
      ],
      'HKCU\\Software\\Policies\\Acme\\AcmeTray\\Recommended': [['MessageCategoryOffers', 'REG_DWORD', '0x1']],
    });
    const log: string[] = [];
    const policy = await loadPolicy(ACME, (line) => log.push(line), seams);
    expect(policy.enforced).toEqual({ ConsentCeiling: 'anonymous-usage', UpdatesEnabled: false, UpdateChannel: 'beta' });
    expect(policy.recommended).toEqual({ MessageCategoryOffers: true });
    expect(seams.calls).toContain('reg query HKLM\\Software\\Policies\\Acme\\AcmeTray');
    expect(log).toEqual([
      expect.stringMatching(/HKLM\\Software\\Policies\\Acme\\AcmeTray sets UpdateDeferDays to 1000, which is not valid .*; ignored/),
      expect.stringMatching(/sets "ConsentCieling", which is not a policy of this app \(known: ConsentCeiling, .*\); ignored/),
    ]);
  });

  it('Windows: a reg that cannot run is logged and means no policy, never a crash', async () => {
    const log: string[] = [];
    const seams: PolicySeams = {
      platform: 'win32',
      run: async () => Promise.reject(new Error('spawn reg ENOENT')),
      readFile: async () => undefined,
    };
    expect(await loadPolicy(ACME, (line) => log.push(line), seams)).toMatchObject({ enforced: {}, recommended: {} });
    expect(log[0]).toMatch(/cannot run "reg query HKLM.*" \(spawn reg ENOENT\); that policy is not applied/);
  });

  it('macOS: managed preferences of the bundle id through plutil, with a Recommended dictionary', async () => {
    const path = '/Library/Managed Preferences/com.acme.tray.plist';
    const seams: PolicySeams = {
      platform: 'darwin',
      readFile: async (file) => (file === path ? 'bplist00…' : undefined),
      run: async (file, args) => {
        expect([file, ...args]).toEqual(['plutil', '-convert', 'json', '-o', '-', path]);
        return {
          code: 0,
          stdout: JSON.stringify({
            BackendUrl: 'https://relay.acme.example/',
            MessageCategoryTips: 'yes',
            Recommended: { ConsentCeiling: 'none' },
          }),
        };
      },
    };
    const log: string[] = [];
    const policy = await loadPolicy(ACME, (line) => log.push(line), seams);
    expect(policy.enforced).toEqual({ BackendUrl: 'https://relay.acme.example/' });
    expect(policy.recommended).toEqual({ ConsentCeiling: 'none' });
    expect(log).toEqual([expect.stringMatching(/sets MessageCategoryTips to "yes", which is not valid/)]);
    expect(backendUrlOf(policy, 'https://api.acme.example/')).toBe('https://relay.acme.example/');
  });

  it('Linux: /etc/<product>/policy.json; a damaged file is named and ignored', async () => {
    const files: Record<string, string> = {
      '/etc/acmetray/policy.json': JSON.stringify({
        enforced: { UpdateVersionPin: '1.4', UpdateDeferDays: 7 },
        recommended: { MessageCategorySurveys: false },
      }),
    };
    const seams: PolicySeams = {
      platform: 'linux',
      run: async () => Promise.reject(new Error('not used')),
      readFile: async (path) => files[path],
    };
    const policy = await loadPolicy(ACME, () => undefined, seams);
    expect(policy.enforced).toEqual({ UpdateVersionPin: '1.4', UpdateDeferDays: 7 });
    expect(policy.recommended).toEqual({ MessageCategorySurveys: false });

    files['/etc/acmetray/policy.json'] = '{ "enforced": { "UpdatesEnabled": false, }';
    const log: string[] = [];
    expect(await loadPolicy(ACME, (line) => log.push(line), seams)).toMatchObject({ enforced: {}, recommended: {} });
    expect(log[0]).toMatch(/\/etc\/acmetray\/policy.json is not valid JSON .*fix the file/);
  });
});

describe('precedence: enforced > owner > recommended > OEM default', () => {
  const owner: Settings = {
    ...DEFAULT_SETTINGS,
    consent: 'support-sharing',
    messageCategories: { ...DEFAULT_SETTINGS.messageCategories, offers: true },
  };

  it("an enforced ceiling lowers the owner's consent and says so; a lower choice of the owner still wins", () => {
    const policy = {
      enforced: { ConsentCeiling: 'anonymous-usage' as const, MessageCategoryOffers: false },
      recommended: {},
      sources: ['HKLM\\Software\\Policies\\Acme\\AcmeTray'],
    };
    const governed = governSettings(owner, new Set(['consent', 'messageCategories']), policy);
    expect(governed.settings.consent).toBe('anonymous-usage');
    expect(governed.sources.consent).toBe('policy');
    expect(governed.settings.messageCategories.offers).toBe(false);
    expect(governed.sources.messageCategories.offers).toBe('policy');
    expect(governed.sources.messageCategories.tips).toBe('owner');
    // Never written back: the owner's own settings are untouched, so lifting the policy restores them.
    expect(owner.consent).toBe('support-sharing');
    expect(owner.messageCategories.offers).toBe(true);

    const modest = governSettings({ ...owner, consent: 'none' }, new Set(['consent']), policy);
    expect(modest.settings.consent).toBe('none');
    expect(modest.sources.consent).toBe('owner');
  });

  it('StoreLinks: an enforced value locks reorder buttons and store links whatever the owner chose, and is read from a registry DWORD', () => {
    const policy = { enforced: { StoreLinks: false }, recommended: {}, sources: ['HKLM'] };
    const governed = governSettings({ ...owner, storeLinks: true }, new Set(['storeLinks']), policy);
    expect(governed.settings.storeLinks).toBe(false);
    expect(governed.sources.storeLinks).toBe('policy');
    // Apart from the categories and consent: the policy does not touch them.
    expect(governed.settings.messageCategories).toEqual(owner.messageCategories);
    expect(governed.settings.consent).toBe(owner.consent);
    expect(governSettings(owner, new Set(), EMPTY_POLICY).sources.storeLinks).toBe('default');
    expect(validatePolicyValues({ level: 'enforced', where: 'HKLM', values: { StoreLinks: 0 } }, () => undefined)).toEqual({
      StoreLinks: false,
    });
  });

  it('a recommended value replaces the OEM default until the owner chooses', () => {
    const policy = { enforced: {}, recommended: { ConsentCeiling: 'anonymous-usage' as const, MessageCategoryTips: true }, sources: [] };
    const fresh = governSettings(DEFAULT_SETTINGS, new Set(), policy);
    expect(fresh.settings.consent).toBe('anonymous-usage');
    expect(fresh.sources.consent).toBe('recommended');
    expect(fresh.settings.messageCategories.tips).toBe(true);
    expect(fresh.sources.messageCategories.supplies).toBe('default');
    const chosen = governSettings({ ...DEFAULT_SETTINGS, consent: 'none' }, new Set(['consent', 'messageCategories']), policy);
    expect(chosen.settings.consent).toBe('none');
    expect(chosen.settings.messageCategories.tips).toBe(DEFAULT_SETTINGS.messageCategories.tips);
  });

  it('hands core/updates a typed update policy it accepts as is', async () => {
    const policy = {
      enforced: {
        UpdatesEnabled: true,
        UpdateChannel: 'beta' as const,
        UpdateVersionPin: '1.4',
        UpdateDeferDays: 3,
        UpdateFeedUrl: 'https://mirror.acme.example/',
      },
      recommended: { UpdatesEnabled: false },
      sources: [],
    };
    const log: string[] = [];
    expect(await readUpdatePolicy({ read: () => updatePolicyOf(policy) }, (line) => log.push(line))).toEqual({
      enabled: true,
      channel: 'beta',
      versionPin: '1.4',
      deferDays: 3,
      feedUrl: 'https://mirror.acme.example/',
    });
    expect(log).toEqual([]);
  });
});
