import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManifestHeaderSchema, ManifestMessageSchema, SigningKeyInfoSchema, matchGuides } from '../../../common/messages/index.js';
import { pinKeys, verifyManifest } from '../../../core/messages/manifest-verifier.js';
import { runAdminCli } from '../../../server/admin-client.js';
import { buildServer } from '../../../server/app.js';
import { DEMO_DIR } from '../../../server/demo/load.js';
import { hashToken } from '../../../server/http/auth.js';
import { openStore } from '../../../server/store/open-store.js';
import type { Store } from '../../../server/store/store.js';

const ADMIN_TOKEN = 'ts_admin_test-token-for-the-guides-suite';
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

/** What an app from before guides parses a manifest with: the header and messages, unknown keys dropped. */
const OldClientManifestSchema = ManifestHeaderSchema.extend({ messages: z.array(ManifestMessageSchema) });

describe('guides through the admin CLI and signed manifests (embedded PGlite store)', () => {
  let dir = '';
  let store: Store;
  let app: FastifyInstance;
  let url = '';
  const out: string[] = [];
  const err: string[] = [];
  const cli = (...argv: string[]): Promise<number> =>
    runAdminCli(argv, {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN_TOKEN, TRAYSIDE_SERVER_URL: url },
      cwd: DEMO_DIR,
      fetch,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
  const fetchManifest = async (locale: string): Promise<string> => {
    const response = await fetch(new URL(`/v1/manifests/trayside-demo/${locale}`, url));
    expect(response.status).toBe(200);
    return response.text();
  };
  const verify = async (body: string, locale: string) => {
    const key = SigningKeyInfoSchema.parse(await (await fetch(new URL('/v1/signing-key', url))).json());
    const verdict = verifyManifest(body, { keys: pinKeys([key.publicKey]), now: NOW, segment: { productLine: 'trayside-demo', locale } });
    if (!verdict.ok) throw new Error(`manifest refused: ${verdict.reason}`);
    return verdict.verified;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trayside-guides-'));
    store = await openStore({ dataDir: dir });
    await store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'guides suite', new Date(NOW));
    app = await buildServer({ store, clock: { now: () => NOW }, logLevel: 'silent' });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('a manifest without guides verifies and carries no guides key', async () => {
    expect(await cli('publish', 'cyan-low-805xl.json'), err.join('\n')).toBe(0);
    const body = await fetchManifest('en');
    expect(body).not.toContain('"guides"');
    const verified = await verify(body, 'en');
    expect(verified.manifest.guides).toBeUndefined();
    expect(verified.manifest.messages.map((message) => message.campaignId)).toEqual(['cyan-low-805xl']);
  });

  it('publishes a guide with npm run admin -- publish; the signed manifest lists it under guides in the owner’s language, and an old app sees only the messages', async () => {
    expect(await cli('publish', 'guide-jam-rear-unit.json', 'guide-replace-cyan-805xl.json'), err.join('\n')).toBe(0);
    expect(out.join('\n')).toMatch(/published guide-jam-rear-unit revision 1/);

    const german = await verify(await fetchManifest('de-AT'), 'de-AT');
    const jam = german.manifest.guides?.find((guide) => guide.guideId === 'guide-jam-rear-unit');
    expect(jam?.locale).toBe('de');
    expect(jam?.content.title).toBe('Papierstau in der hinteren Einheit beheben');
    // The cyan guide is written in English only: a German owner gets it in English rather than nothing.
    const cyan = german.manifest.guides?.find((guide) => guide.guideId === 'guide-replace-cyan-805xl');
    expect([cyan?.locale, cyan?.content.title]).toEqual(['en', 'Replacing the cyan cartridge']);

    const englishBody = await fetchManifest('en');
    const english = await verify(englishBody, 'en');
    expect(english.manifest.guides?.map((guide) => guide.content.title)).toEqual([
      'How to clear a jam in the rear unit',
      'Replacing the cyan cartridge',
    ]);
    expect(english.manifest.messages.map((message) => message.campaignId)).toEqual(['cyan-low-805xl']);
    const matched = matchGuides(english.manifest.guides ?? [], {
      model: 'Trayside Demo Printer',
      conditions: [{ code: 'media-jam' }],
      supplies: [],
    });
    expect(matched.map((guide) => guide.content.steps.length)).toEqual([4]);

    const old = OldClientManifestSchema.parse(JSON.parse((JSON.parse(englishBody) as { payload: string }).payload));
    expect('guides' in old).toBe(false);
    expect(old.messages.map((message) => message.campaignId)).toEqual(['cyan-low-805xl']);
  });

  it('validate checks a guide’s pictures and links against the branding’s allow-lists, naming the step', async () => {
    out.length = 0;
    expect(await cli('validate', 'guide-jam-rear-unit.json'), err.join('\n')).toBe(0);
    expect(out.join('\n')).toContain('guide-jam-rear-unit.json: ok (guide-jam-rear-unit;');
    const offHost = path.join(dir, 'off-host-guide.json');
    await writeFile(
      offHost,
      JSON.stringify({
        kind: 'guide',
        id: 'off-host-guide',
        name: 'x',
        segment: { productLines: ['trayside-demo'], locales: ['en'] },
        target: { models: ['*'], errors: ['media-jam'] },
        defaultLocale: 'en',
        content: {
          en: {
            title: 'T',
            steps: [
              { text: 'See [the video](https://videos.example.net/jam)' },
              { text: 'x', image: { url: 'https://tracker.example.net/p.png', alt: 'a' } },
            ],
          },
        },
      }),
    );
    err.length = 0;
    expect(await cli('validate', offHost)).toBe(1);
    expect(err.join('\n')).toContain('guide.content.en.steps[0].text');
    expect(err.join('\n')).toContain('guide.content.en.steps[1].image.url');
    expect(err.join('\n')).toContain('"tracker.example.net" is not on the branding\'s allowedImageHosts');
  });

  it('refuses a broken guide file, naming the file and the field, and publishes nothing of it', async () => {
    const broken = path.join(dir, 'broken-guide.json');
    await writeFile(
      broken,
      JSON.stringify({
        kind: 'guide',
        id: 'broken-guide',
        name: 'x',
        segment: { productLines: ['trayside-demo'], locales: ['en'] },
        target: { models: ['*'], errors: ['media-jam'] },
        defaultLocale: 'en',
        content: { en: { title: 'T', steps: [{ text: 'x', image: { data: 'data:image/svg+xml;base64,PHN2Zz4=', alt: 'a' } }] } },
      }),
    );
    err.length = 0;
    expect(await cli('publish', broken)).toBe(1);
    expect(err.join('\n')).toContain('broken-guide.json: invalid guide');
    expect(err.join('\n')).toContain('content.en.steps[0].image.data');
    expect(await fetchManifest('en')).not.toContain('broken-guide');
  });
});
