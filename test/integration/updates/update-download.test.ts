import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../support/temp-dirs.js';
import { windowsClient } from './update-client.js';
import { installerBytes, makeUpdateKey, releaseOf, TestUpdateServer } from './update-server.js';

/** Downloads that break off, servers without ranges, and what happens at the next launch. */
const temp = tempDirs();
const key = makeUpdateKey();
const bytes = installerBytes(512 * 1024, 3);
const name = 'Trayside-Setup-2.0.0.exe';
let server: TestUpdateServer;
let folder: string;

beforeAll(async () => {
  server = await new TestUpdateServer().start();
  server.blobs.set(name, bytes);
  server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  folder = temp('updates-download-');
});

const client = (log: string[] = [], appVersion = '1.0.0') =>
  windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder, log, appVersion });

describe('update download', () => {
  it('resumes an interrupted download with a Range request from the bytes it already has', async () => {
    server.setFaults({ cutFirst: 1, cutAfter: 200_000 });
    const log: string[] = [];
    const result = await client(log).check();
    expect(result).toMatchObject({ kind: 'staged', version: '2.0.0' });
    const requests = server.blobRequests();
    expect(requests).toHaveLength(2);
    expect(requests[0]!.range).toBeUndefined();
    // The second request asks only for what is missing.
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(requests[1]!.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(200_000);
    expect(readFileSync(join(folder, 'files', name)).equals(bytes)).toBe(true);
    expect(log.some((line) => /attempt 1 of 5 failed: the download .* broke off/.test(line))).toBe(true);
    expect(log.some((line) => /2 attempt\(s\), 1 resumed/.test(line))).toBe(true);
  });

  it('retries from zero where the server ignores Range, and still keeps only the signed bytes', async () => {
    server.setFaults({ cutFirst: 2, cutAfter: 100_000, ignoreRange: true });
    const result = await client().check();
    expect(result).toMatchObject({ kind: 'staged' });
    expect(server.blobRequests()).toHaveLength(3);
    expect(readFileSync(join(folder, 'files', name)).equals(bytes)).toBe(true);
  });

  it('gives up after its attempts, says so, and resumes from the kept part at the next check', async () => {
    server.setFaults({ cutFirst: 5, cutAfter: 50_000 });
    const first = await client().check();
    expect(first.kind).toBe('failed');
    expect(first.message).toMatch(/2\.0\.0 could not be downloaded: .*broke off.*The next check tries again/);
    server.seen.length = 0;
    server.setFaults({});
    const second = await client().check();
    expect(second).toMatchObject({ kind: 'staged' });
    expect(server.blobRequests()[0]!.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(readFileSync(join(folder, 'files', name)).equals(bytes)).toBe(true);
  });

  it('hands the staged installer to the next launch, and not again once that version runs', async () => {
    server.setFaults({});
    await client().check();
    const staged = await client().stagedForLaunch();
    expect(staged).toMatchObject({ version: '2.0.0', path: join(folder, 'files', name) });
    // After the installer ran, the app starts as 2.0.0: nothing is left to install and the files are gone.
    expect(await client([], '2.0.0').stagedForLaunch()).toBeUndefined();
    expect(await client().stagedForLaunch()).toBeUndefined();
  });

  it('does not install a staged installer that changed on disk after it was verified', async () => {
    server.setFaults({});
    await client().check();
    const path = join(folder, 'files', name);
    const changed = Buffer.from(readFileSync(path));
    changed[1000] = (changed[1000]! + 1) % 256;
    writeFileSync(path, changed);
    const log: string[] = [];
    expect(await client(log).stagedForLaunch()).toBeUndefined();
    expect(log.join('\n')).toMatch(/changed after it was verified; deleted it instead of installing it/);
  });

  it('does not download again what is already staged', async () => {
    server.setFaults({});
    await client().check();
    server.seen.length = 0;
    expect(await client().check()).toMatchObject({ kind: 'staged' });
    expect(server.blobRequests()).toEqual([]);
  });
});
