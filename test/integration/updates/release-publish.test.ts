import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedEnvelopeSchema } from '../../../common/messages/index.js';
import { UpdateReleaseSchema } from '../../../common/updates.js';
import { runAdminCli } from '../../../server/admin-client.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { windowsClient } from './update-client.js';
import { installerBytes } from './update-server.js';

/**
 * The publisher's path end to end: `npm run admin -- release keygen`, `release publish` to the
 * reference backend, and the app's update service taking the release from that backend's feed.
 */
const temp = tempDirs();
const adminToken = 'ts_admin_release-publish-test-token';
const work = temp('release-publish-');
const keyFile = join(work, 'update-key.json');
const installer = join(work, 'Trayside Setup 2.0.0.exe');
const bytes = installerBytes(300_000, 11);
let server: TestServer;
let publicKey = '';

async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCli(argv, {
    env: { TRAYSIDE_ADMIN_TOKEN: adminToken, TRAYSIDE_SERVER_URL: server.url },
    cwd: work,
    fetch,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  server = await startTestServer({ updatesDir: join(work, 'server-updates') }, { adminToken });
  writeFileSync(installer, bytes);
  const keygen = await admin('release', 'keygen', '--out', 'update-key.json');
  expect(keygen.code).toBe(0);
  publicKey = /publicKey: (\S+)/.exec(keygen.out)![1]!;
});
afterAll(() => server.close());

describe('release publish', () => {
  it('uploads, signs and serves a release the app verifies and stages', async () => {
    const published = await admin(
      'release',
      'publish',
      '--version',
      '2.0.0',
      '--channel',
      'stable',
      '--rollout',
      '100',
      '--update-key',
      keyFile,
      installer,
    );
    expect(published.err).toBe('');
    expect(published.out).toMatch(/uploaded Trayside Setup 2\.0\.0\.exe \(300000 bytes, win32 x64\+arm64 nsis\)/);
    expect(published.out).toMatch(/published 2\.0\.0 on stable to 100 % of installs/);

    const folder = temp('release-publish-app-');
    const result = await windowsClient({ feedUrl: server.url, publicKeys: [publicKey], folder, arch: 'arm64', now: Date.now() }).check();
    expect(result).toMatchObject({ kind: 'staged', version: '2.0.0' });
    expect((await readFile(join(folder, 'files', 'Trayside Setup 2.0.0.exe'))).equals(bytes)).toBe(true);
  });

  it('serves installer bytes by range, for resumed downloads', async () => {
    const feed = SignedEnvelopeSchema.parse(await (await fetch(`${server.url}/v1/updates/stable`)).json());
    const file = UpdateReleaseSchema.parse(JSON.parse(feed.payload)).files[0]!;
    const response = await fetch(new URL(file.url, server.url), { headers: { range: 'bytes=250000-' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 250000-299999/300000');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(250_000))).toBe(true);
    const past = await fetch(new URL(file.url, server.url), { headers: { range: 'bytes=300000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */300000');
  });

  it('changes the rollout when the same version is published again, and refuses an older version', async () => {
    expect(
      (
        await admin(
          'release',
          'publish',
          '--version',
          '2.0.0',
          '--channel',
          'stable',
          '--rollout',
          '10',
          '--update-key',
          keyFile,
          installer,
        )
      ).code,
    ).toBe(0);
    const feed = SignedEnvelopeSchema.parse(await (await fetch(`${server.url}/v1/updates/stable`)).json());
    expect(UpdateReleaseSchema.parse(JSON.parse(feed.payload))).toMatchObject({
      version: '2.0.0',
      rolloutPercent: 10,
      releaseId: '2.0.0-stable',
    });

    const older = await admin('release', 'publish', '--version', '1.9.0', '--channel', 'stable', '--update-key', keyFile, installer);
    expect(older.code).toBe(1);
    expect(older.err).toMatch(/The stable channel is at 2\.0\.0; 1\.9\.0 is older/);
  });

  it('refuses uploads without the admin token, and a publish without a key names how to make one', async () => {
    const anonymous = await fetch(`${server.url}/v1/admin/updates/blobs?name=x.exe`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'abc',
    });
    expect(anonymous.status).toBe(401);
    const unsigned = await admin('release', 'publish', '--version', '2.1.0', installer);
    expect(unsigned.code).toBe(1);
    expect(unsigned.err).toMatch(/--update-key FILE .*release keygen --out FILE/);
  });
});
