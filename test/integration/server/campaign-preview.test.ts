// The marketer's preview against the real backend on loopback: POST /v1/admin/campaigns/preview
// answers whether a draft matches a device state and why, stores and publishes nothing, needs the
// admin token, names bad fields; the admin CLI prints the verdict and each variant's words.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignPreviewSchema, type PreviewDeviceStateRaw } from '../../../common/messages/explain-targeting.js';
import { runAdminCli, type AdminCliIo } from '../../../server/admin-client.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_campaign-preview-token';
let dir = '';
let server: TestServer;
let draft: unknown;

const device: PreviewDeviceStateRaw = {
  productLine: 'trayside-demo',
  locale: 'de-DE',
  region: 'DE',
  device: { vendor: 'Trayside', model: 'Trayside Demo Printer' },
  supplies: [{ id: 'cyan', kind: 'ink', color: 'cyan', level: 8 }],
};

async function post(body: unknown, token: string | null = ADMIN): Promise<{ status: number; json: unknown }> {
  const response = await fetch(new URL('/v1/admin/campaigns/preview', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-preview-'));
  draft = JSON.parse(await readFile(new URL('../../../server/demo/cyan-low-805xl.json', import.meta.url), 'utf8'));
  server = await startTestServer({}, { adminToken: ADMIN });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('POST /v1/admin/campaigns/preview', () => {
  it('answers the match, the reasons and every variant per locale, and stores nothing', async () => {
    const { status, json } = await post({ campaign: draft, device });
    expect(status).toBe(200);
    const preview = CampaignPreviewSchema.parse(json);
    expect(preview).toMatchObject({ campaignId: 'cyan-low-805xl', matched: true });
    expect(preview.checks.map((check) => check.kind)).toEqual(['product-line', 'locale', 'region', 'schedule', 'rule', 'trigger']);
    expect(preview.variants[0]).toMatchObject({ id: 'plain', shownLocale: 'de' });
    expect(preview.variants[0]!.content.map((content) => content.locale)).toEqual(['en', 'de']);
    expect(await server.store.listCampaigns()).toEqual([]);
  });

  it('explains a non-match: another locale and a cyan at 40 %', async () => {
    const { json } = await post({
      campaign: draft,
      device: { ...device, locale: 'fr-FR', supplies: [{ id: 'cyan', kind: 'ink', color: 'cyan', level: 40 }] },
    });
    const preview = CampaignPreviewSchema.parse(json);
    expect(preview.matched).toBe(false);
    const failed = preview.checks.filter((check) => !check.matched).map((check) => check.kind);
    expect(failed).toEqual(['locale', 'rule', 'trigger']);
    expect(preview.variants[0]!.shownLocale).toBe('en');
  });

  it('needs the admin token and names bad fields', async () => {
    expect((await post({ campaign: draft, device }, null)).status).toBe(401);
    const bad = await post({ campaign: draft, device: { ...device, region: 'germany' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('region');
  });

  it('is in the OpenAPI document', async () => {
    const openapi = (await (await fetch(new URL('/openapi.json', server.url))).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(openapi.paths['/v1/admin/campaigns/preview']).toHaveProperty('post');
  });
});

describe('npm run admin -- preview', () => {
  it('prints the verdict, each reason and every variant’s title and body per locale', async () => {
    await writeFile(path.join(dir, 'campaign.json'), JSON.stringify(draft));
    await writeFile(path.join(dir, 'state.json'), JSON.stringify(device));
    const out: string[] = [];
    const err: string[] = [];
    const io: AdminCliIo = {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN },
      cwd: dir,
      fetch,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    };
    expect(await runAdminCli(['preview', 'campaign.json', '--device', 'state.json', '--server', server.url], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('Campaign cyan-low-805xl: MATCHES this device state');
    expect(text).toMatch(/^✓ trigger\s+A trigger holds/m);
    expect(text).toContain('cyan ink reads 8 % (trips it)');
    expect(text).toContain('[de] Cyan wird knapp — 805XL bestellen');
    expect(text).toContain('[en] Cyan running low — order 805XL');

    await writeFile(path.join(dir, 'bad-state.json'), JSON.stringify({ ...device, supplies: [{ id: 'cyan', kind: 'ink', level: 180 }] }));
    expect(await runAdminCli(['preview', 'campaign.json', '--device', 'bad-state.json', '--server', server.url], io)).toBe(1);
    expect(err.join('\n')).toContain('bad-state.json: invalid device state');
    expect(await runAdminCli(['preview', 'campaign.json', '--server', server.url], io)).toBe(1);
    expect(err.join('\n')).toContain('preview needs --device');
  });
});
