import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILTIN_PROFILES_DIR,
  loadProfiles,
  matchProfile,
  parseProfile,
  partNumberFor,
  pollIntervalFor,
  ProfileError,
} from './profiles.js';

const UPS = {
  id: 'acme-ups',
  name: 'ACME UPS 600',
  match: { transport: 'hid', usb: [{ vendorId: '0x051d', productId: '0x0002' }] },
  supplies: [
    {
      id: 'battery',
      name: 'Battery',
      kind: 'battery',
      role: 'consumable',
      source: { kind: 'hid', usage: '0x850066', reportType: 'input' },
      scale: 0.1,
    },
  ],
};

function errorOf(json: unknown, fileName = 'hid-ups.json'): string {
  try {
    parseProfile(json, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileError);
    return (error as Error).message;
  }
  throw new Error('expected the profile to be rejected');
}

describe('parseProfile', () => {
  it('accepts hex ids and usages and fills in defaults', () => {
    const profile = parseProfile(JSON.stringify(UPS), 'acme-ups.json');
    expect(profile.match.usb).toEqual([{ vendorId: 0x051d, productId: 0x0002 }]);
    expect(profile.supplies[0]).toMatchObject({ source: { kind: 'hid', usage: 0x850066 }, scale: 0.1, offset: 0 });
    expect(profile.priority).toBe(0);
  });

  it('names the file and the field path of a wrong type', () => {
    const bad = { ...UPS, supplies: [{ ...UPS.supplies[0], scale: 'ten' }] };
    expect(errorOf(bad)).toBe('hid-ups.json: supplies[0].scale: expected number, received string');
  });

  it('explains bad JSON, unknown keys, bad regions, bad patterns and bad ids', () => {
    expect(errorOf('{"id": ', 'broken.json')).toMatch(/^broken\.json: not valid JSON: /);
    expect(errorOf({ ...UPS, colour: 'red' })).toMatch(/^hid-ups\.json: \(top level\): Unrecognized key: "colour"/);
    expect(errorOf({ ...UPS, supplies: [{ ...UPS.supplies[0], partNumbers: { usa: '805XL' } }] })).toContain('supplies[0].partNumbers.usa');
    expect(errorOf({ ...UPS, match: { transport: 'usb-printer', ieee1284: { model: '([' } } })).toBe(
      'hid-ups.json: match.ieee1284.model: not a valid regular expression',
    );
    expect(errorOf({ ...UPS, match: { transport: 'hid', usb: [{ vendorId: 'acme' }] } })).toContain(
      'match.usb[0].vendorId: expected a USB id',
    );
    expect(errorOf({ ...UPS, match: { transport: 'serial' } })).toContain('match.transport');
    expect(errorOf({ ...UPS, supplies: [{ ...UPS.supplies[0], source: { kind: 'snmp' } }] })).toBe(
      'hid-ups.json: supplies[0].source.kind: expected "hid", "ipp", "pjl" or "simulated"',
    );
  });

  it('rejects duplicate supply ids and polling limits that contradict each other', () => {
    expect(errorOf({ ...UPS, supplies: [UPS.supplies[0], UPS.supplies[0]] })).toContain('supplies[1].id: duplicate supply id "battery"');
    const polling = { minIntervalMs: 60_000, maxIntervalMs: 10_000, duringJobMinIntervalMs: 60_000 };
    expect(errorOf({ ...UPS, polling })).toContain('polling.minIntervalMs: minIntervalMs must not exceed maxIntervalMs');
    expect(errorOf({ ...UPS, polling: { minIntervalMs: 500, maxIntervalMs: 10_000, duringJobMinIntervalMs: 10_000 } })).toContain(
      'polling.minIntervalMs',
    );
  });
});

describe('loadProfiles', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads the shipped profiles without errors', async () => {
    const { profiles, errors } = await loadProfiles(BUILTIN_PROFILES_DIR);
    expect(errors).toEqual([]);
    expect(profiles.map((profile) => profile.id).sort()).toEqual([
      'generic-hid-battery',
      'generic-hid-ups',
      'generic-ipp-printer',
      'simulated-printer',
    ]);
  });

  it('keeps good files when one is broken, and reports the broken one and a reused id', async () => {
    dir = await mkdtemp(join(tmpdir(), 'trayside-profiles-'));
    await writeFile(join(dir, 'a-ups.json'), JSON.stringify(UPS));
    await writeFile(join(dir, 'b-copy.json'), JSON.stringify(UPS));
    await writeFile(
      join(dir, 'c-broken.json'),
      JSON.stringify({ ...UPS, id: 'other', supplies: [{ ...UPS.supplies[0], kind: 'plasma' }] }),
    );
    await writeFile(join(dir, 'notes.txt'), 'not a profile');
    const { profiles, errors } = await loadProfiles(dir);
    expect(profiles.map((profile) => profile.id)).toEqual(['acme-ups']);
    expect(errors.map((error) => error.message)).toEqual([
      'b-copy.json: id: "acme-ups" is already used by a-ups.json; give each profile its own id',
      expect.stringMatching(/^c-broken\.json: supplies\[0\]\.kind: /),
    ]);
  });
});

describe('matchProfile', () => {
  it('prefers USB ids over 1284 names over usage pages over transport alone', async () => {
    const { profiles: builtin } = await loadProfiles(BUILTIN_PROFILES_DIR);
    const acme = parseProfile(UPS, 'acme-ups.json');
    const profiles = [...builtin, acme];
    expect(matchProfile(profiles, { transport: 'hid', vendorId: 0x051d, productId: 0x0002, hidUsagePages: [0x84, 0x85] })?.id).toBe(
      'acme-ups',
    );
    expect(matchProfile(profiles, { transport: 'hid', vendorId: 0x0764, productId: 0x0501, hidUsagePages: [0x84, 0x85] })?.id).toBe(
      'generic-hid-ups',
    );
    expect(matchProfile(profiles, { transport: 'hid', vendorId: 0x046d, hidUsagePages: [0x01, 0x06] })?.id).toBe('generic-hid-battery');
    expect(matchProfile(profiles, { transport: 'ipp', manufacturer: 'HP', model: 'LaserJet' })?.id).toBe('generic-ipp-printer');
    expect(matchProfile(profiles, { transport: 'simulated', manufacturer: 'Trayside', model: 'Trayside Demo Printer' })?.id).toBe(
      'simulated-printer',
    );
    expect(matchProfile(profiles, { transport: 'usb-printer', manufacturer: 'Epson' })).toBeUndefined();
  });

  it('breaks a tie by priority', () => {
    const low = parseProfile({ ...UPS, id: 'low' }, 'low.json');
    const high = parseProfile({ ...UPS, id: 'high', priority: 5 }, 'high.json');
    expect(matchProfile([low, high], { transport: 'hid', vendorId: 0x051d, productId: 0x0002 })?.id).toBe('high');
  });
});

describe('part numbers and polling', () => {
  it('picks the part number by region, EU members share the EU one, "*" covers the rest', async () => {
    const { profiles } = await loadProfiles(BUILTIN_PROFILES_DIR);
    const black = profiles.find((profile) => profile.id === 'simulated-printer')!.supplies[0]!;
    expect(partNumberFor(black, 'US')).toBe('TS-805XL-K');
    expect(partNumberFor(black, 'de')).toBe('TS-805XL-K-E');
    expect(partNumberFor(black, 'JP')).toBe('TS-805XL-K');
  });

  it('clamps the poll interval and keeps a slower floor during print jobs', async () => {
    const { profiles } = await loadProfiles(BUILTIN_PROFILES_DIR);
    const printer = profiles.find((profile) => profile.id === 'simulated-printer')!;
    expect(pollIntervalFor(printer, 500, false)).toBe(2_000);
    expect(pollIntervalFor(printer, 5_000, true)).toBe(30_000);
    expect(pollIntervalFor(printer, 10 * 60_000, false)).toBe(300_000);
  });
});
