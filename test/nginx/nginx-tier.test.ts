import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../common/branding.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { SigningKeyInfoSchema } from '../../common/messages/index.js';
import { createManifestSource, type ManifestSource } from '../../core/messages/manifest-source.js';
import { localeChain } from '../../core/messages/message-service.js';
import { runAdminCli } from '../../server/admin-client.js';
import { seedDemoCampaigns } from '../../server/demo/load.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { findNginx, nginxVersion, startNginx, type TestNginx } from './nginx.js';

/**
 * The CDN path end to end: the server keeps a static export current (--export-dir), Debian's nginx
 * serves it on loopback, and the app's real manifest source polls nginx — verifying the signature
 * with the key from the export, falling back from de-AT to de, and getting 304 from nginx's own
 * ETags until a publish changes the export.
 */
const nginx = findNginx();
const ADMIN = 'admin-token-for-the-nginx-tier-0001';
if ('missing' in nginx) console.log(`nginx tier skipped: ${nginx.missing}`);

describe.skipIf('missing' in nginx)('static export served by nginx', () => {
  let work: string;
  let exportDir: string;
  let server: TestServer;
  let web: TestNginx;
  let source: ManifestSource;
  const statuses: { url: string; status: number }[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    if (!('binary' in nginx)) return;
    console.log(`nginx tier: ${nginxVersion(nginx.binary)}`);
    work = mkdtempSync(path.join(tmpdir(), 'trayside-export-'));
    // nginx runs as nobody when the tests run as root: it must be able to walk into the export.
    chmodSync(work, 0o755);
    exportDir = path.join(work, 'cdn');
    server = await startTestServer({ versionRefreshMs: 200, export: { dir: exportDir, intervalMs: 200 } }, { adminToken: ADMIN });
    await seedDemoCampaigns(server.store, new Date());
    await vi.waitFor(() => expect(lstatSync(path.join(exportDir, 'v1/manifests/trayside-demo/de')).isFile()).toBe(true), {
      timeout: 20_000,
      interval: 100,
    });
    web = await startNginx(nginx.binary, exportDir);
    const key = SigningKeyInfoSchema.parse(await (await fetch(`${web.url}/v1/signing-key`)).json());
    const branding = BrandingSchema.parse({
      name: 'Trayside',
      backendUrl: web.url,
      signingKeys: [key.publicKey],
      productLine: 'trayside-demo',
    });
    const base = `${web.url}/v1/manifests/trayside-demo/`;
    source = createManifestSource({
      branding,
      storageDir: path.join(work, 'app'),
      clock: systemClock,
      timers: systemTimers,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        statuses.push({ url: url.slice(base.length), status: response.status });
        return response;
      },
      random: () => 0.5,
      installId: 'nginx-tier-install-0001',
      urls: () => localeChain('de-AT', 'en').map((tag) => base + tag),
      log: (line) => logged.push(line),
      onPolled: () => {},
    });
  }, 120_000);

  afterAll(async () => {
    source?.dispose();
    await web?.stop();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the app polls nginx: de-AT is not exported so it falls back to de, verifies it, then gets 304 from nginx', async () => {
    await source.pollNow();
    expect(statuses.slice(0, 2), web.logs()).toEqual([
      { url: 'de-AT', status: 404 },
      { url: 'de', status: 200 },
    ]);
    const current = source.current(Date.now());
    expect(current?.manifest.segment).toEqual({ productLine: 'trayside-demo', locale: 'de' });
    expect(current?.manifest.messages.map((message) => message.campaignId)).toContain('firmware-2-4-eu');
    expect(source.status()).toMatchObject({ verificationFailed: false, problem: null });
    expect(logged.join('\n')).not.toMatch(/refused/);

    statuses.length = 0;
    await source.pollNow();
    expect(statuses).toEqual([
      { url: 'de-AT', status: 404 },
      { url: 'de', status: 304 },
    ]);
  });

  it('a publish reaches the export and nginx within seconds; unchanged segments keep their files (and ETags)', async () => {
    const before = source.current(Date.now())!.manifest.version;
    const english = path.join(exportDir, 'v1/manifests/trayside-demo/en');
    const keyFile = path.join(exportDir, 'v1/signing-key');
    const keyInode = statSync(keyFile).ino;
    const archived = await server.store.archiveCampaign('firmware-2-4-eu', new Date());
    await vi.waitFor(
      async () => {
        statuses.length = 0;
        await source.pollNow();
        expect(source.current(Date.now())?.manifest.version).toBe(archived.version);
      },
      { timeout: 15_000, interval: 300 },
    );
    expect(archived.version).toBeGreaterThan(before);
    expect(source.current(Date.now())!.manifest.messages.map((message) => message.campaignId)).not.toContain('firmware-2-4-eu');
    // The export was swapped as a whole; the key did not change, so its file is the same one (same inode, same nginx ETag).
    expect(lstatSync(exportDir).isSymbolicLink()).toBe(true);
    expect(statSync(keyFile).ino).toBe(keyInode);
    expect(JSON.parse(readFileSync(english, 'utf8'))).toHaveProperty('signature');

    statuses.length = 0;
    await source.pollNow();
    expect(statuses.at(-1)).toEqual({ url: 'de', status: 304 });
  });

  it('npm run admin -- export DIR writes the same segments from a running server', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const dir = path.join(work, 'by-admin');
    const code = await runAdminCli(['export', dir, '--server', server.url], {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN },
      cwd: work,
      fetch,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/exported manifest version \d+: \d+ segments and the signing key into/);
    for (const file of ['v1/manifests/trayside-demo/de', 'v1/manifests/trayside-demo/en', 'v1/signing-key']) {
      expect(readFileSync(path.join(dir, file), 'utf8')).toBe(readFileSync(path.join(exportDir, file), 'utf8'));
    }
  });
});
