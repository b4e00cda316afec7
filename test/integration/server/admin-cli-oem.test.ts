import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignStatsSchema, NO_SHARING_NOTE } from '../../../common/analytics.js';
import type { CampaignInputRaw } from '../../../common/messages/index.js';
import { runAdminCli, type AdminCliIo } from '../../../server/admin-client.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';
import { testInstallHeaders } from '../../support/install-credentials.js';

/**
 * The OEM's first hour with the admin CLI, against the real backend on
 * loopback: links the app would drop, typos in rule paths, when installs see a publish, where
 * the admin token lives, and stats that say why they are zero.
 */

const ADMIN = 'ts_admin_oem-first-hour-token';
const INSTALL_A = '5a1e2d3c-4b5f-4a6e-9c8d-0e1f2a3b4c5d';
const INSTALL_B = '6b2f3e4d-5c6a-4b7f-8d9e-1f2a3b4c5d6e';

let dir: string;
let branded: TestServer;
let unbranded: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-admin-oem-'));
  // A few uploads per install only: the device limit's default is plenty.
  const deviceRateLimit = { max: 1000, timeWindowMs: 60_000 };
  [branded, unbranded] = await Promise.all([
    startTestServer(
      {
        deviceRateLimit,
        timing: { pollIntervalSeconds: 900 },
        linkPolicy: { allowedLinkHosts: ['shop.example.com', 'support.example.com'], allowedImageHosts: [] },
      },
      { adminToken: ADMIN },
    ),
    startTestServer({ deviceRateLimit }, { adminToken: ADMIN }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([branded?.close(), unbranded?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function cli(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminCliIo = { env, cwd: dir, fetch, out: (line) => out.push(line), err: (line) => err.push(line) };
  return { run: (...argv: string[]) => runAdminCli(argv, io), out, err, text: () => [...out, ...err].join('\n') };
}

function campaign(id: string, overrides: Partial<CampaignInputRaw> = {}): CampaignInputRaw {
  return {
    id,
    name: `Campaign ${id}`,
    category: 'supplies',
    priority: 100,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en', 'de'] },
    rule: true,
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [
      {
        id: 'a',
        weight: 1,
        content: {
          en: {
            title: 'Cyan low',
            body: 'Order from [our shop](https://shop.example.com/805xl).',
            actions: [{ type: 'open-url', label: 'Shop', url: 'https://shop.example.com/805xl' }],
          },
        },
      },
    ],
    ...overrides,
  };
}

/** Variant "b" in German: a button and a body link to a host the demo branding does not allow. */
const offHostVariants: CampaignInputRaw['variants'] = [
  ...campaign('x').variants,
  {
    id: 'b',
    weight: 1,
    content: {
      en: { title: 'Cyan low', body: 'Order now.' },
      de: {
        title: 'Cyan fast leer',
        body: 'Mehr unter [Details](https://partner.example.net/info).',
        actions: [{ type: 'open-url', label: 'Zum Angebot', url: 'https://partner.example.net/angebot' }],
      },
    },
  },
];

async function file(name: string, content: unknown): Promise<string> {
  const full = path.join(dir, name);
  await writeFile(full, JSON.stringify(content, null, 2));
  return name;
}

describe('admin CLI validate: links (item 13)', () => {
  it('refuses a variant button and a body link to a host the branding does not allow, naming variant, locale, field, host and the allow-list', async () => {
    const name = await file('off-host.json', campaign('off-host', { variants: offHostVariants }));
    const { run, text } = cli();
    expect(await run('validate', name)).toBe(1);
    const output = text();
    expect(output).not.toMatch(/: ok/);
    expect(output).toContain(
      'variants[1].content.de.actions[0].url: The button "Zum Angebot" (variant "b", locale de) goes to https://partner.example.net/angebot',
    );
    expect(output).toContain('variants[1].content.de.body: The body link "Details" (variant "b", locale de)');
    expect(output).toContain(
      '"partner.example.net" is not on the branding\'s allowedLinkHosts (allowed: shop.example.com, support.example.com)',
    );
    expect(output).toContain('checked against');
    expect(output).toContain(path.join('assets', 'branding', 'demo.json'));
  });

  it('checks against the branding given with --branding, and says ok when its allow-list has the host', async () => {
    const name = await file('off-host-2.json', campaign('off-host-2', { variants: offHostVariants }));
    const branding = await file('partner-branding.json', {
      name: 'Partner',
      backendUrl: 'https://messages.example.net',
      signingKeys: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
      productLine: 'trayside-demo',
      allowedLinkHosts: ['shop.example.com', 'partner.example.net'],
    });
    const { run, out, err } = cli();
    expect(await run('validate', name, '--branding', branding), err.join('\n')).toBe(0);
    expect(out.join('\n')).toContain('off-host-2.json: ok (off-host-2; links checked against partner-branding.json)');
  });

  it('names a bad --branding file instead of checking against nothing', async () => {
    const name = await file('plain.json', campaign('plain'));
    const { run, err } = cli();
    expect(await run('validate', name, '--branding', 'no-such-branding.json')).toBe(1);
    expect(err.join('\n')).toMatch(/cannot read the branding config .*no-such-branding\.json \(ENOENT\)/);
  });
});

describe('server publish: links (item 13)', () => {
  it('refuses to publish when it knows the branding, naming the field; nothing goes live', async () => {
    const name = await file('off-host-publish.json', campaign('off-host-publish', { variants: offHostVariants }));
    const { run, err } = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await run('publish', name, '--server', branded.url)).toBe(1);
    expect(err.join('\n')).toContain('Not published: 2 links go where the app will not open them');
    expect(err.join('\n')).toContain('variants[1].content.de.actions[0].url');
    expect(err.join('\n')).toContain('variants[1].content.de.body');
    const live = await fetch(`${branded.url}/v1/admin/live`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await live.json()) as { campaigns: { id: string }[] }).campaigns.map((entry) => entry.id)).not.toContain('off-host-publish');
  });

  it('publishes with a warning naming each host when the server does not know the branding', async () => {
    const name = await file('off-host-warn.json', campaign('off-host-warn', { variants: offHostVariants }));
    const { run, out, err } = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await run('publish', name, '--server', unbranded.url), err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/published off-host-warn revision 1/);
    expect(err.join('\n')).toContain(
      'warning: variants[1].content.de.actions[0].url: Not checked: this server does not know the branding, so make sure "partner.example.net" is on its allowedLinkHosts (2 places)',
    );
  });
});

describe('admin CLI validate: rule paths (item 14)', () => {
  it('refuses device.modle with the campaign field and a suggestion', async () => {
    const name = await file(
      'typo.json',
      campaign('typo', { rule: { and: [{ '==': [{ var: 'device.modle' }, 'Trayside Demo Printer'] }] } }),
    );
    const { run, text } = cli();
    expect(await run('validate', name)).toBe(1);
    expect(text()).toContain('rule.and[0].==[0].var: Unknown context field "device.modle" — did you mean device.model?');
  });

  it('refuses a typo in a supply field inside some, by path', async () => {
    const rule = { some: [{ var: 'supplies' }, { and: [{ '==': [{ var: 'color' }, 'cyan'] }, { '<': [{ var: 'levle' }, 15] }] }] };
    const name = await file('nested-typo.json', campaign('nested-typo', { rule }));
    const { run, text } = cli();
    expect(await run('validate', name)).toBe(1);
    expect(text()).toContain('rule.some[1].and[1].<[0].var: Unknown field "levle" of one "supplies" item — did you mean level?');
  });
});

describe('admin CLI publish: when installs see it (item 15)', () => {
  it('names the poll interval the server actually suggests', async () => {
    const name = await file('timely.json', campaign('timely'));
    const fast = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await fast.run('publish', name, '--server', branded.url), fast.err.join('\n')).toBe(0);
    expect(fast.out.join('\n')).toMatch(/published timely revision 1 \(manifest version \d+\)/);
    expect(fast.out.join('\n')).toContain(
      'Installs pick it up at their next poll: within about 15 minutes (the poll interval the server suggests).',
    );
    const hourly = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await hourly.run('publish', name, '--server', unbranded.url)).toBe(0);
    expect(hourly.out.join('\n')).toContain('within about 60 minutes (the poll interval the server suggests)');
  });

  it("without a token, names the server's --data-dir and TRAYSIDE_DATA_DIR and where it looked", async () => {
    const { run, err } = cli({});
    expect(await run('list', '--server', unbranded.url)).toBe(1);
    const hint = err.join('\n');
    expect(hint).toContain(`No admin token at ${path.join(dir, '.trayside-server', 'admin-token')}`);
    expect(hint).toContain('--data-dir');
    expect(hint).toContain('TRAYSIDE_DATA_DIR');
    const elsewhere = cli({});
    expect(await elsewhere.run('list', '--server', unbranded.url, '--data-dir', 'srv-data')).toBe(1);
    expect(elsewhere.err.join('\n')).toContain(`No admin token at ${path.join(dir, 'srv-data', 'admin-token')} (from --data-dir)`);
  });
});

describe('stats: installs that share usage data (item 16)', () => {
  const upload = async (installId: string, eventId: string) =>
    fetch(`${unbranded.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await testInstallHeaders(unbranded.url, installId)) },
      body: JSON.stringify({
        installId,
        consent: 'anonymous-usage',
        sentAt: new Date().toISOString(),
        events: [{ id: eventId, type: 'impression', at: new Date().toISOString(), campaignId: 'sharing', variantId: 'a' }],
      }),
    });

  it('says plainly that no install shared usage data, then counts the installs that did', async () => {
    const name = await file('sharing.json', campaign('sharing'));
    const admin = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await admin.run('publish', name, '--server', unbranded.url)).toBe(0);

    const before = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await before.run('stats', 'sharing', '--server', unbranded.url)).toBe(0);
    expect(before.out.join('\n')).toContain(
      'No install has shared usage data yet: stats count only installs whose owners allow usage sharing.',
    );
    const apiBefore = CampaignStatsSchema.parse(
      await (await fetch(`${unbranded.url}/v1/admin/stats/sharing`, { headers: { authorization: `Bearer ${ADMIN}` } })).json(),
    );
    expect(apiBefore.sharing).toMatchObject({ installs: 0, note: NO_SHARING_NOTE });

    expect((await upload(INSTALL_A, '30000000-0000-4000-8000-000000000001')).status).toBe(200);
    expect((await upload(INSTALL_B, '30000000-0000-4000-8000-000000000002')).status).toBe(200);
    expect((await upload(INSTALL_B, '30000000-0000-4000-8000-000000000003')).status).toBe(200);
    const after = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await after.run('stats', 'sharing', '--server', unbranded.url)).toBe(0);
    expect(after.out.join('\n')).toMatch(
      /^2 installs shared usage data since \d{4}-\d{2}-\d{2} \(when the campaign was created\); the figures count only installs whose owners allow usage sharing\.$/m,
    );
    expect(after.out.join('\n')).not.toContain('No install has shared');
    const json = cli({ TRAYSIDE_ADMIN_TOKEN: ADMIN });
    expect(await json.run('stats', 'sharing', '--json', '--server', unbranded.url)).toBe(0);
    expect(CampaignStatsSchema.parse(JSON.parse(json.out.join('\n'))).sharing).toMatchObject({ installs: 2, note: null });
  });
});
