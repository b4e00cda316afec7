import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../support/temp-dirs.js';
import { windowsClient } from './update-client.js';
import { installerBytes, makeUpdateKey, releaseOf, TestUpdateServer } from './update-server.js';

/**
 * Every way a feed can offer something the app must not install. Each refusal is checked the way
 * an owner would notice it: the check says why, and no installer was downloaded or staged.
 */
const temp = tempDirs();
const key = makeUpdateKey();
const bytes = installerBytes(64 * 1024);
let server: TestUpdateServer;
let folder: string;

beforeAll(async () => {
  server = await new TestUpdateServer().start();
  server.blobs.set('Trayside-Setup-2.0.0.exe', bytes);
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  server.setFaults({});
  folder = temp('updates-refusal-');
});

function client(overrides: Partial<Parameters<typeof windowsClient>[0]> = {}) {
  return windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder, ...overrides });
}

async function expectRefused(
  reason: string,
  messagePart: RegExp,
  overrides: Partial<Parameters<typeof windowsClient>[0]> = {},
): Promise<void> {
  const result = await client(overrides).check();
  expect(result).toMatchObject({ kind: 'refused', reason });
  expect(result.message).toMatch(messagePart);
  expect(server.blobRequests()).toEqual([]);
  expect(existsSync(join(folder, 'staged.json'))).toBe(false);
}

describe('update feed refusals', () => {
  it('accepts a correctly signed newer release (the baseline the refusals differ from)', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
    const result = await client().check();
    expect(result).toMatchObject({ kind: 'staged', version: '2.0.0' });
    expect(server.blobRequests()).toHaveLength(1);
  });

  it('refuses unsigned metadata', async () => {
    server.serve(JSON.stringify(releaseOf(bytes)));
    await expectRefused('unsigned', /not signed/);
  });

  it('refuses tampered metadata (a changed digest under the old signature)', async () => {
    const envelope = key.sign(JSON.stringify(releaseOf(bytes)));
    const tampered = releaseOf(installerBytes(64 * 1024, 99));
    server.serve({ ...envelope, payload: JSON.stringify(tampered) });
    await expectRefused('bad-signature', /does not match its content/);
  });

  it('refuses metadata signed by a key the branding does not pin', async () => {
    const stranger = makeUpdateKey();
    server.serve(stranger.sign(JSON.stringify(releaseOf(bytes))));
    await expectRefused('unknown-key', new RegExp(`signed by key ${stranger.keyId}`));
  });

  it("refuses a forged key id: the pinned key id with another key's signature", async () => {
    const stranger = makeUpdateKey();
    const forged = { ...stranger.sign(JSON.stringify(releaseOf(bytes))), keyId: key.keyId };
    server.serve(forged);
    await expectRefused('bad-signature', /does not match/);
  });

  it('accepts the next key of a rotation list', async () => {
    const next = makeUpdateKey();
    server.serve(next.sign(JSON.stringify(releaseOf(bytes))));
    const result = await client({ publicKeys: [key.publicKey, next.publicKey] }).check();
    expect(result).toMatchObject({ kind: 'staged' });
  });

  it('refuses an older version (downgrade)', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { version: '0.9.5', releaseId: '0.9.5-stable' }))));
    await expectRefused('downgrade', /older than the installed 1\.0\.0/);
  });

  it('refuses a prerelease of the installed version as a downgrade (1.0.0-beta.2 < 1.0.0)', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { version: '1.0.0-beta.2', releaseId: '1.0.0-beta.2-stable' }))));
    await expectRefused('downgrade', /older/);
  });

  it('refuses a release for another platform', async () => {
    server.serve(
      key.sign(
        JSON.stringify(releaseOf(bytes, {}, { platform: 'darwin', arch: 'universal', kind: 'zip', name: 'Trayside-2.0.0-mac.zip' })),
      ),
    );
    await expectRefused('wrong-platform', /no nsis installer for win32\/x64 \(it has darwin\/universal zip\)/);
  });

  it('refuses a release for another architecture', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, {}, { arch: 'arm64' }))));
    await expectRefused('wrong-platform', /win32\/x64 \(it has win32\/arm64 nsis\)/);
  });

  it('refuses a beta release on the stable feed', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { channel: 'beta', releaseId: '2.0.0-beta' }))));
    await expectRefused('wrong-channel', /stable channel served a beta release/);
  });

  it('refuses a signed payload that is not update metadata (a manifest signed by the same key)', async () => {
    server.serve(key.sign(JSON.stringify({ format: 'trayside.manifest.v1', version: 3 })));
    await expectRefused('bad-payload', /not update metadata/);
  });

  it('refuses an installer whose bytes differ from the signed sha512, and stages nothing', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
    server.blobs.set('Trayside-Setup-2.0.0.exe', installerBytes(bytes.length, 7));
    try {
      const result = await client().check();
      expect(result.kind).toBe('failed');
      expect(result.message).toMatch(/does not have the SHA-512 the signed metadata gives/);
      expect(existsSync(join(folder, 'staged.json'))).toBe(false);
      expect(existsSync(join(folder, 'files', 'Trayside-Setup-2.0.0.exe'))).toBe(false);
    } finally {
      server.blobs.set('Trayside-Setup-2.0.0.exe', bytes);
    }
  });
});
