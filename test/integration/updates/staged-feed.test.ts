import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { serveStagedUpdate } from '../../../core/updates/staged-feed.js';
import type { StagedUpdate } from '../../../core/updates/staging.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { installerBytes, sha512Base64 } from './update-server.js';

/** The loopback feed that hands a verified staged installer to electron-updater at launch. */
const temp = tempDirs();

describe('staged update feed', () => {
  it('serves electron-updater an update info naming exactly the staged file and its signed digest, and the file itself', async () => {
    const folder = temp('staged-feed-');
    mkdirSync(join(folder, 'files'));
    const bytes = installerBytes(40_000, 9);
    const path = join(folder, 'files', 'Trayside Setup 2.0.0.exe');
    writeFileSync(path, bytes);
    const staged: StagedUpdate = {
      releaseId: '2.0.0-stable',
      version: '2.0.0',
      stagedAt: Date.parse('2026-12-01T10:00:00Z'),
      file: {
        platform: 'win32',
        arch: 'x64',
        kind: 'nsis',
        name: 'Trayside Setup 2.0.0.exe',
        url: '/x',
        size: bytes.length,
        sha512: sha512Base64(bytes),
      },
      path,
    };
    const feed = await serveStagedUpdate(staged, { adminRightsRequired: true });
    try {
      expect(feed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/$/);
      // electron-updater adds a no-cache query; the feed ignores it.
      const info = load(await (await fetch(`${feed.url}latest.yml?noCache=1`)).text()) as Record<string, unknown>;
      expect(info).toEqual({
        version: '2.0.0',
        files: [{ url: 'Trayside Setup 2.0.0.exe', sha512: staged.file.sha512, size: bytes.length }],
        path: 'Trayside Setup 2.0.0.exe',
        sha512: staged.file.sha512,
        releaseDate: '2026-12-01T10:00:00.000Z',
        isAdminRightsRequired: true,
      });
      expect(await (await fetch(`${feed.url}latest-mac.yml`)).text()).toContain('version: "2.0.0"');
      // The URL electron-updater builds from the file name (spaces percent-encoded).
      const file = await fetch(new URL('Trayside Setup 2.0.0.exe', feed.url));
      expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await fetch(new URL('../other.exe', feed.url))).status).toBe(404);
    } finally {
      await feed.close();
    }
  });
});
