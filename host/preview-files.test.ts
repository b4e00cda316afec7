import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreviewInputError, readPreviewCampaign, readPreviewDeviceState } from './preview-files.js';

let dir = '';
const root = join(import.meta.dirname, '..');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-preview-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

const state = {
  productLine: 'trayside-demo',
  locale: 'de-DE',
  region: 'DE',
  device: { vendor: 'Trayside', model: 'Trayside Demo Printer' },
  supplies: [{ id: 'cyan', kind: 'ink', color: 'cyan', level: 8 }],
};

/** The one line an error gives; it must be a PreviewInputError, which the CLI turns into exit 2. */
async function errorOf(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PreviewInputError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('preview input files', () => {
  it('reads the demo campaign and a device state, with the schema defaults filled in', async () => {
    const campaign = await readPreviewCampaign('server/demo/cyan-low-805xl.json', root);
    expect(campaign.id).toBe('cyan-low-805xl');
    const device = await readPreviewDeviceState(await file('state.json', JSON.stringify(state)), dir);
    expect(device).toMatchObject({ locale: 'de-DE', region: 'DE', timeZone: 'UTC', errors: [] });
    expect(device.supplies[0]).toMatchObject({ role: 'consumable', level: 8 });
  });

  it('names a missing file', async () => {
    expect(await errorOf(readPreviewDeviceState('nowhere.json', dir))).toBe('nowhere.json: cannot be read (no such file).');
    expect(await errorOf(readPreviewCampaign('draft.json', dir))).toBe('draft.json: cannot be read (no such file).');
  });

  it('names a file that is not JSON', async () => {
    const name = await file('broken.json', '{ "productLine": ');
    expect(await errorOf(readPreviewDeviceState(name, dir))).toMatch(/^broken\.json: not valid JSON \(.+\)\.$/);
  });

  it('names the first bad field of a device state, and how many more there are', async () => {
    const high = await file('high.json', JSON.stringify({ ...state, supplies: [{ ...state.supplies[0], level: 140 }] }));
    expect(await errorOf(readPreviewDeviceState(high, dir))).toMatch(/^high\.json: invalid device state: supplies\[0\]\.level: .*100/);
    const typo = await file('typo.json', JSON.stringify({ ...state, regoin: 'DE' }));
    expect(await errorOf(readPreviewDeviceState(typo, dir))).toBe(
      'typo.json: invalid device state: regoin: Unknown field "regoin" (check the spelling).',
    );
    const two = await file('two.json', JSON.stringify({ ...state, region: 'de', timeZone: 'Mars/Olympus' }));
    expect(await errorOf(readPreviewDeviceState(two, dir))).toMatch(/^two\.json: invalid device state: region: .*"DE".* \(and 1 more\)$/);
  });

  it('refuses a zone the schedules cannot use and a locale not in canonical form', async () => {
    const zone = await file('zone.json', JSON.stringify({ ...state, timeZone: 'device' }));
    expect(await errorOf(readPreviewDeviceState(zone, dir))).toMatch(/^zone\.json: invalid device state: timeZone: /);
    const locale = await file('locale.json', JSON.stringify({ ...state, locale: 'de_de' }));
    expect(await errorOf(readPreviewDeviceState(locale, dir))).toMatch(/^locale\.json: invalid device state: locale: /);
  });

  it('names the bad field of a campaign', async () => {
    const demo = JSON.parse(await readFile(join(root, 'server/demo/cyan-low-805xl.json'), 'utf8')) as Record<string, unknown>;
    const name = await file('bad-campaign.json', JSON.stringify({ ...demo, category: 'spam' }));
    expect(await errorOf(readPreviewCampaign(name, dir))).toMatch(/^bad-campaign\.json: invalid campaign: category: /);
  });
});
