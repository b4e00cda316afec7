import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rolloutBucket } from '../../../core/updates/rollout.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { windowsClient } from './update-client.js';
import { installerBytes, makeUpdateKey, releaseOf, TestUpdateServer } from './update-server.js';

/** Staged rollout by a stable per-install bucket, channels, and the policy keys. */
const temp = tempDirs();
const key = makeUpdateKey();
const bytes = installerBytes(16 * 1024, 5);
const releaseId = '2.0.0-stable';
let server: TestUpdateServer;

/** An install id whose bucket for the release is below (or at or above) the given percentage. */
function installWhere(inside: boolean, percent: number): string {
  for (;;) {
    const id = randomUUID();
    if (rolloutBucket(id, releaseId) < percent === inside) return id;
  }
}

beforeAll(async () => {
  server = await new TestUpdateServer().start();
  server.blobs.set('Trayside-Setup-2.0.0.exe', bytes);
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
});

const client = (overrides: Partial<Parameters<typeof windowsClient>[0]> = {}) =>
  windowsClient({ feedUrl: server.url, publicKeys: [key.publicKey], folder: temp('updates-rollout-'), ...overrides });

describe('staged rollout', () => {
  it('gives a 20 % release to an install whose bucket is inside, and not to one outside', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { rolloutPercent: 20 }))));
    const inside = await client({ installId: installWhere(true, 20) }).check();
    expect(inside).toMatchObject({ kind: 'staged', version: '2.0.0' });
    server.seen.length = 0;
    const outside = await client({ installId: installWhere(false, 20) }).check();
    expect(outside).toMatchObject({ kind: 'waiting', reason: 'not-in-rollout' });
    expect(outside.message).toMatch(/rolling out to 20 % of installs; this one comes later/);
    expect(server.blobRequests()).toEqual([]);
  });

  it('keeps an install in the same bucket across checks, so raising the percentage only adds installs', async () => {
    const id = installWhere(false, 20);
    const bucket = rolloutBucket(id, releaseId);
    expect(rolloutBucket(id, releaseId)).toBe(bucket);
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { rolloutPercent: 20 }))));
    expect((await client({ installId: id }).check()).kind).toBe('waiting');
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { rolloutPercent: Math.ceil(bucket + 0.0001) }))));
    expect(await client({ installId: id }).check()).toMatchObject({ kind: 'staged' });
  });

  it('spreads installs evenly: about 30 % of 2,000 random installs fall inside a 30 % rollout', () => {
    let inside = 0;
    for (let index = 0; index < 2000; index++) if (rolloutBucket(randomUUID(), releaseId) < 30) inside++;
    // 3 standard deviations of a binomial(2000, 0.3) is about 61.
    expect(inside).toBeGreaterThan(600 - 61);
    expect(inside).toBeLessThan(600 + 61);
  });
});

describe('channels and policy', () => {
  it('asks the beta feed on the beta channel, and a policy channel wins over the branding', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { channel: 'beta', releaseId: '2.0.0-beta', version: '2.0.0-beta.1' }))));
    expect(await client({ channel: 'beta' }).check()).toMatchObject({ kind: 'staged', version: '2.0.0-beta.1' });
    expect(server.seen.some((request) => request.url === '/v1/updates/beta')).toBe(true);
    server.seen.length = 0;
    await client({ channel: 'beta', policy: { channel: 'stable' } }).check();
    expect(server.seen[0]?.url).toBe('/v1/updates/stable');
  });

  it('does not even ask the feed when the policy turns updates off', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
    const result = await client({ policy: { enabled: false } }).check();
    expect(result).toMatchObject({ kind: 'off', message: 'Updates are turned off by your administrator.' });
    expect(server.seen).toEqual([]);
  });

  it('keeps to a pinned version line', async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
    expect(await client({ policy: { versionPin: '1.4' } }).check()).toMatchObject({ kind: 'waiting', reason: 'pinned' });
    expect(await client({ policy: { versionPin: '2' } }).check()).toMatchObject({ kind: 'staged' });
  });

  it("defers a release by the policy's days after its publication", async () => {
    server.serve(key.sign(JSON.stringify(releaseOf(bytes, { publishedAt: '2026-11-28T00:00:00.000Z' }))));
    const deferred = await client({ policy: { deferDays: 7 }, now: Date.parse('2026-12-01T00:00:00Z') }).check();
    expect(deferred).toMatchObject({ kind: 'waiting', reason: 'deferred' });
    expect(deferred.message).toMatch(/until 2026-12-05/);
    expect(await client({ policy: { deferDays: 7 }, now: Date.parse('2026-12-05T00:00:01Z') }).check()).toMatchObject({ kind: 'staged' });
  });

  it('reads the feed from a policy mirror', async () => {
    const mirror = await new TestUpdateServer().start();
    try {
      mirror.blobs.set('Trayside-Setup-2.0.0.exe', bytes);
      mirror.serve(key.sign(JSON.stringify(releaseOf(bytes))));
      expect(await client({ feedUrl: 'http://127.0.0.1:9/', policy: { feedUrl: mirror.url } }).check()).toMatchObject({ kind: 'staged' });
      expect(mirror.blobRequests()).toHaveLength(1);
    } finally {
      await mirror.close();
    }
  });

  it('turns updates off when the policy says "enabled" with a value it cannot read, and names it', async () => {
    const log: string[] = [];
    // A policy reader handing over a raw managed value: a string where a boolean belongs.
    const result = await windowsClient({
      feedUrl: server.url,
      publicKeys: [key.publicKey],
      folder: temp('updates-policy-'),
      log,
      policy: { enabled: 'no' as unknown as boolean },
    }).check();
    expect(result.kind).toBe('off');
    expect(log.join('\n')).toMatch(/ignoring update policy enabled: .* updates stay off until it is fixed/);
  });
});
