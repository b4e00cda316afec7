import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { writeExport, type ExportEntry } from './write-export.js';

const tempDir = tempDirs();
const DAY = 86_400_000;

function manifest(version: string, issuedAtMs: number, etag = `"${version}"`): ExportEntry {
  return { path: 'v1/manifests/line/de', body: Buffer.from(JSON.stringify({ version, issuedAtMs })), meta: { etag, issuedAtMs } };
}
const key: ExportEntry = { path: 'v1/signing-key', body: Buffer.from('{"keyId":"k"}') };

describe('writeExport', () => {
  it('swaps DIR to a complete new copy, keeps unchanged files as the same file, and skips a run that changes nothing', async () => {
    const dir = path.join(tempDir('trayside-export-'), 'cdn');
    const first = await writeExport(dir, [manifest('1', 0), key], { now: 0, renewAfterMs: 2 * DAY });
    expect(first).toMatchObject({ replaced: true, written: 2, kept: 0 });
    expect(lstatSync(dir).isSymbolicLink()).toBe(true);
    const keyInode = statSync(path.join(dir, key.path)).ino;

    // Same content re-signed a day later: still young, the old bytes stay (no download for the fleet).
    expect(await writeExport(dir, [manifest('1', DAY), key], { now: DAY, renewAfterMs: 2 * DAY })).toMatchObject({
      replaced: false,
      kept: 2,
    });

    // Past the renewal age the re-signed copy goes in; the key file is the same file (same mtime: same nginx ETag).
    const renewed = await writeExport(dir, [manifest('1', 3 * DAY), key], { now: 3 * DAY, renewAfterMs: 2 * DAY });
    expect(renewed).toMatchObject({ replaced: true, written: 1, kept: 1 });
    expect(JSON.parse(readFileSync(path.join(dir, 'v1/manifests/line/de'), 'utf8'))).toEqual({ version: '1', issuedAtMs: 3 * DAY });
    expect(statSync(path.join(dir, key.path)).ino).toBe(keyInode);

    // New content goes in at once; a segment no longer live is gone from the new copy.
    const published = await writeExport(dir, [manifest('2', 3 * DAY), key], { now: 3 * DAY + 1, renewAfterMs: 2 * DAY });
    expect(published).toMatchObject({ replaced: true, written: 1 });
    expect(await writeExport(dir, [key], { now: 3 * DAY + 2, renewAfterMs: 2 * DAY })).toMatchObject({ replaced: true, removed: 1 });
    expect(() => statSync(path.join(dir, 'v1/manifests/line/de'))).toThrow();
    // The copy in use and the one before it are kept; older ones are cleaned up.
    expect(readdirSync(path.dirname(dir)).filter((name) => name.startsWith('.cdn.v'))).toHaveLength(2);
  });

  it('refuses to replace a folder it did not make, naming the fix', async () => {
    const dir = path.join(tempDir('trayside-export-'), 'site');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'index.html'), 'hello');
    await expect(writeExport(dir, [key], { now: 0, renewAfterMs: DAY })).rejects.toThrow(
      /is not an export link.*remove it or pick another DIR/,
    );
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe('hello');
  });
});
