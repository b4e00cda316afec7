import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import demo from '../../assets/branding/demo.json' with { type: 'json' };
import { tempDirs } from '../../test/support/temp-dirs.js';
import { BrandingError, bundledBranding, loadBrandingSync, loadStartupBranding } from './load-branding.js';

const dir = tempDirs()('trayside-branding-');
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The error a host would show: a BrandingError with a one-line message. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BrandingError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a BrandingError');
}

describe('branding at start', () => {
  it('runs with the bundled demo branding when neither --branding nor TRAYSIDE_BRANDING is given', () => {
    const startup = loadStartupBranding({ flag: undefined, env: {}, cwd: dir });
    expect(startup).toMatchObject({ bundled: true, source: 'the bundled demo branding' });
    expect(startup.branding).toEqual(bundledBranding());
    expect(startup.branding).toMatchObject({ name: 'Trayside', productLine: 'trayside-demo', vendorIds: [0x1234] });
  });

  it('takes --branding before TRAYSIDE_BRANDING, and a relative path from the working folder', () => {
    file('flag.json', { ...demo, name: 'From the flag' });
    const envPath = file('env.json', { ...demo, name: 'From the env' });
    expect(loadStartupBranding({ flag: 'flag.json', env: { TRAYSIDE_BRANDING: envPath }, cwd: dir })).toMatchObject({
      branding: { name: 'From the flag' },
      source: join(dir, 'flag.json'),
      bundled: false,
    });
    expect(loadStartupBranding({ flag: undefined, env: { TRAYSIDE_BRANDING: envPath }, cwd: '/' }).branding.name).toBe('From the env');
    // An empty variable is "not set", as shells leave it.
    expect(loadStartupBranding({ flag: undefined, env: { TRAYSIDE_BRANDING: '' }, cwd: dir }).bundled).toBe(true);
  });

  it('a bad field stops start-up with one line naming the file and the field', () => {
    const path = file('bad-key.json', { ...demo, signingKeys: ['abc'] });
    const message = failure(() => loadStartupBranding({ flag: path, env: {}, cwd: dir }));
    expect(message).toMatch(
      new RegExp(`^Branding config ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid: signingKeys\\[0\\]: Paste the base64`),
    );
  });

  it('names a nested field and counts the others', () => {
    const path = file('bad-store.json', {
      ...demo,
      backendUrl: 'http://messages.example.com',
      store: { ...demo.store, defaultRegion: 'FR' },
      vendorIds: [70000],
    });
    const message = failure(() => loadBrandingSync(path));
    expect(message).toContain(path);
    expect(message).toContain('backendUrl: Use an https:// URL');
    expect(message).toMatch(/\(and 2 more: vendorIds\[0\], store\.defaultRegion\)|\(and 2 more: store\.defaultRegion, vendorIds\[0\]\)/);
  });

  it('a typo in a field name is named, not ignored', () => {
    const message = failure(() => loadBrandingSync(file('typo.json', { ...demo, store: { ...demo.store, allowedHost: [] } })));
    expect(message).toContain('store.allowedHost: Unknown field "allowedHost"');
    expect(failure(() => loadBrandingSync(file('typo-top.json', { ...demo, vendorID: [1] })))).toContain(
      'vendorID: Unknown field "vendorID"',
    );
  });

  it('a missing file and broken JSON say so, with the path', () => {
    expect(failure(() => loadBrandingSync(join(dir, 'nope.json')))).toBe(
      `Branding config ${join(dir, 'nope.json')} could not be read (ENOENT); check the path given with --branding or TRAYSIDE_BRANDING.`,
    );
    const broken = file('broken.json', '{"name": "Trayside",');
    expect(failure(() => loadBrandingSync(broken))).toMatch(new RegExp(`^Branding config .*broken\\.json is not valid JSON: `));
  });

  it('never falls back to the demo when the given file is bad', () => {
    expect(() => loadStartupBranding({ flag: undefined, env: { TRAYSIDE_BRANDING: join(dir, 'missing.json') }, cwd: dir })).toThrow(
      BrandingError,
    );
  });
});
