// An enforced policy's BackendUrl (an internal relay) wins over the branding's: the core, against
// two real backends on loopback, sends its events, credential registration and privacy requests to
// the relay and nothing to the manufacturer's server; "What Trayside sends" names the relay. The
// owner has no choice of backend, so a recommended BackendUrl beats the branding's, and an enforced one beats both.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../../common/branding.js';
import { systemClock, systemTimers } from '../../../common/lifecycle.js';
import type { EffectivePolicy } from '../../../common/policy.js';
import { DEFAULT_SETTINGS } from '../../../common/settings.js';
import { createCore, type Core, type CoreFetch } from '../../../core/core.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { testCoreOptions } from '../../support/test-core.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const tempDir = tempDirs();
const servers: TestServer[] = [];
let core: Core | undefined;
afterEach(async () => {
  core?.dispose();
  core = undefined;
  for (const server of servers.splice(0)) await server.close();
});

async function run(policy: EffectivePolicy, manufacturer: TestServer) {
  const requested: string[] = [];
  const recording: CoreFetch = (url, init) => {
    requested.push(url);
    return fetch(url, init);
  };
  const logs: string[] = [];
  core = createCore(
    testCoreOptions(
      { ...systemClock, ...systemTimers },
      {
        dataDir: tempDir('trayside-policy-backend-'),
        branding: BrandingSchema.parse({
          name: 'Trayside',
          backendUrl: manufacturer.url,
          signingKeys: [await manufacturer.publicKey()],
          productLine: 'trayside-demo',
        }),
        policy,
        settingsStorage: memorySettingsStorage({ ...DEFAULT_SETTINGS, consent: 'anonymous-usage', chosenFields: ['consent'] }),
        features: { messages: false },
        tuning: { uploader: { debounceMs: 10 } },
        fetch: recording,
        log: (line) => logs.push(line),
      },
    ),
  );
  await core.start();
  const engagement = await core.engagement;
  await engagement.record({ type: 'open', campaignId: 'cyan-low', variantId: 'a', messageId: 'cyan-low@1' });
  await vi.waitFor(() => expect(engagement.stats().pending).toBe(0), { timeout: 10_000 });
  return { core, requested, logs };
}

describe('the enterprise policy BackendUrl', () => {
  it('enforced: every request goes to the relay, none to the manufacturer, and the panel says where', async () => {
    const manufacturer = await startTestServer();
    const relay = await startTestServer();
    servers.push(manufacturer, relay);
    const { core, requested, logs } = await run(
      { enforced: { BackendUrl: relay.url }, recommended: {}, sources: ['test policy'] },
      manufacturer,
    );

    await core.dispatch('trayside:privacy.requestExport', undefined);
    await vi.waitFor(
      async () =>
        expect(await core.dispatch('trayside:privacy.getState', undefined)).toMatchObject({
          value: { requests: [{ status: 'completed' }] },
        }),
      { timeout: 10_000 },
    );
    expect(requested.length).toBeGreaterThanOrEqual(3);
    expect(requested.filter((url) => !url.startsWith(`${relay.url}/`))).toEqual([]);
    expect(await relay.store.analytics.countSharingInstalls(null)).toBe(1);
    expect(await manufacturer.store.analytics.countSharingInstalls(null)).toBe(0);
    expect(logs).toContain(`policy: the message server is ${relay.url} (set by your organisation's policy) instead of ${manufacturer.url}`);

    const transparency = await core.dispatch('trayside:preferences.getTransparency', undefined);
    if (!transparency.ok) throw new Error(transparency.error.message);
    const sent = (transparency.value as { sent: Array<{ destination: string }> }).sent;
    expect(sent.map((entry) => entry.destination)).toContain(`POST ${relay.url}/v1/events`);
  });

  it('recommended beats the branding; enforced beats a recommended one', async () => {
    const manufacturer = await startTestServer();
    const recommended = await startTestServer();
    servers.push(manufacturer, recommended);
    const first = await run({ enforced: {}, recommended: { BackendUrl: recommended.url }, sources: ['test policy'] }, manufacturer);
    expect(first.requested.filter((url) => !url.startsWith(`${recommended.url}/`))).toEqual([]);
    expect(await recommended.store.analytics.countSharingInstalls(null)).toBe(1);
    core?.dispose();
    const second = await run(
      {
        enforced: { BackendUrl: manufacturer.url.replace('127.0.0.1', 'localhost') },
        recommended: { BackendUrl: recommended.url },
        sources: ['test policy'],
      },
      manufacturer,
    );
    expect(second.requested.filter((url) => !url.startsWith(manufacturer.url.replace('127.0.0.1', 'localhost')))).toEqual([]);
    expect(await manufacturer.store.analytics.countSharingInstalls(null)).toBe(1);
  });
});
