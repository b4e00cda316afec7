import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterpriseUpdatePolicy } from '../../../core/updates/enterprise-policy.js';
import { UpdateService } from '../../../core/updates/update-service.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { installerBytes, makeUpdateKey, releaseOf, TestUpdateServer } from './update-server.js';

/** The update service reading IT's enforced policy through core/policy (Linux file seam). */
const temp = tempDirs();
const key = makeUpdateKey();
const bytes = installerBytes(8 * 1024, 4);
let server: TestUpdateServer;

beforeAll(async () => {
  server = await new TestUpdateServer().start();
  server.blobs.set('Trayside-Setup-2.0.0.exe', bytes);
  server.serve(key.sign(JSON.stringify(releaseOf(bytes))));
});
afterAll(() => server.close());

function serviceWith(policyFile: string | undefined): UpdateService {
  const seams = {
    platform: 'linux' as const,
    run: () => Promise.reject(new Error('no programs here')),
    readFile: async (path: string) => (path === '/etc/trayside/policy.json' ? policyFile : undefined),
  };
  return new UpdateService({
    config: { feedUrl: server.url, publicKeys: [key.publicKey], channel: 'stable' },
    policy: enterpriseUpdatePolicy({ vendor: 'Trayside', product: 'Trayside', bundleId: 'com.trayside.app' }, () => undefined, seams),
    installId: 'install-enterprise-1',
    target: { appVersion: '1.0.0', platform: 'win32', arch: 'x64', kinds: ['nsis'] },
    folder: temp('updates-enterprise-'),
    fetch: (url, init) => fetch(url, init),
    now: () => Date.parse('2026-12-01T00:00:00Z'),
    log: () => undefined,
  });
}

describe('enterprise update policy', () => {
  it('turns updates off when IT enforces UpdatesEnabled false, and asks no feed', async () => {
    server.seen.length = 0;
    const result = await serviceWith(JSON.stringify({ enforced: { UpdatesEnabled: false } })).check();
    expect(result).toMatchObject({ kind: 'off', message: 'Updates are turned off by your administrator.' });
    expect(server.seen).toEqual([]);
  });

  it('applies an enforced version pin, and only enforced values: a recommended one changes nothing', async () => {
    expect(await serviceWith(JSON.stringify({ enforced: { UpdateVersionPin: '1.9' } })).check()).toMatchObject({
      kind: 'waiting',
      reason: 'pinned',
    });
    expect(await serviceWith(JSON.stringify({ recommended: { UpdatesEnabled: false } })).check()).toMatchObject({ kind: 'staged' });
  });
});
