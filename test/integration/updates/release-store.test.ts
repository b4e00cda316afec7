import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UPDATE_FORMAT, type UpdateRelease } from '../../../common/updates.js';
import { blobUrl, ReleaseStore } from '../../../server/updates/release-store.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { installerBytes, makeUpdateKey, sha512Base64 } from './update-server.js';

/** The backend's release files: what each channel's feed serves, and what a publish may not do. */
const temp = tempDirs();
const key = makeUpdateKey();

async function releaseWithBlob(store: ReleaseStore, version: string, channel: 'stable' | 'beta'): Promise<string> {
  const bytes = installerBytes(1000, version.length + channel.length);
  const blob = await store.putBlob(Readable.from([bytes]));
  expect(blob.sha512).toBe(sha512Base64(bytes));
  const release: UpdateRelease = {
    format: UPDATE_FORMAT,
    releaseId: `${version}-${channel}`,
    version,
    channel,
    publishedAt: '2026-11-01T00:00:00.000Z',
    rolloutPercent: 100,
    files: [
      {
        platform: 'win32',
        arch: 'x64',
        kind: 'nsis',
        name: 'setup.exe',
        url: blobUrl(blob.id, 'setup.exe'),
        size: bytes.length,
        sha512: blob.sha512,
      },
    ],
  };
  return JSON.stringify(key.sign(JSON.stringify(release)));
}

describe('release store', () => {
  it('serves beta installs the newer of the beta and the stable release, and stable installs only stable', async () => {
    const store = new ReleaseStore(temp('release-store-'));
    await store.putRelease('beta', await releaseWithBlob(store, '2.0.0-beta.1', 'beta'));
    await store.putRelease('stable', await releaseWithBlob(store, '1.9.0', 'stable'));
    expect((await store.feed('beta'))?.release.version).toBe('2.0.0-beta.1');
    expect((await store.feed('stable'))?.release.version).toBe('1.9.0');
    await store.putRelease('stable', await releaseWithBlob(store, '2.0.0', 'stable'));
    expect((await store.feed('beta'))?.release.version).toBe('2.0.0');
  });

  it('refuses a release that names a file nobody uploaded, or one for the other channel', async () => {
    const store = new ReleaseStore(temp('release-store-'));
    const other = new ReleaseStore(temp('release-store-other-'));
    await expect(store.putRelease('stable', await releaseWithBlob(other, '2.0.0', 'stable'))).rejects.toThrow(
      /setup\.exe: no uploaded file with its SHA-512/,
    );
    await expect(store.putRelease('stable', await releaseWithBlob(store, '2.0.0-beta.1', 'beta'))).rejects.toThrow(
      /for the beta channel, not stable/,
    );
    expect(await store.feed('stable')).toBeUndefined();
  });
});
