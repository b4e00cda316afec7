// Lowering consent from "support sharing" to "anonymous usage", through the whole core against the
// real backend on loopback: the diagnostics bundle this install sent is deleted on the server (a
// deletion request for support data alone, with its receipt), the uploads kept on this machine go,
// and the usage events stay — both on the server and in the owner's settings.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../../common/branding.js';
import { systemClock, systemTimers } from '../../../common/lifecycle.js';
import { DEFAULT_SETTINGS } from '../../../common/settings.js';
import { createCore, type Core } from '../../../core/core.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { testCoreOptions } from '../../support/test-core.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';
import { tempDirs } from '../../support/temp-dirs.js';

const tempDir = tempDirs();
let server: TestServer | undefined;
let core: Core | undefined;
afterEach(async () => {
  core?.dispose();
  core = undefined;
  await server?.close();
  server = undefined;
});

async function startApp(consent: 'support-sharing' | 'anonymous-usage') {
  server = await startTestServer();
  const dataDir = tempDir('trayside-support-withdrawal-');
  const branding = BrandingSchema.parse({
    name: 'Trayside',
    backendUrl: server.url,
    signingKeys: [await server.publicKey()],
    productLine: 'trayside-demo',
  });
  const time = { ...systemClock, ...systemTimers };
  core = createCore(
    testCoreOptions(time, {
      dataDir,
      branding,
      settingsStorage: memorySettingsStorage({ ...DEFAULT_SETTINGS, consent, chosenFields: ['consent'] }),
      features: { messages: false },
      tuning: { uploader: { debounceMs: 10 } },
    }),
  );
  await core.start();
  return { core, dataDir, server };
}

describe('withdrawing support sharing to anonymous usage', () => {
  it('deletes the support data on the server and here, and keeps the usage events', async () => {
    const { core, dataDir } = await startApp('support-sharing');
    const engagement = await core.engagement;
    await engagement.record({ type: 'open', campaignId: 'cyan-low', variantId: 'a', messageId: 'cyan-low@1' });
    await vi.waitFor(() => expect(engagement.stats().pending).toBe(0), { timeout: 10_000 });

    const preview = await core.diagnostics.handlers.capture();
    await core.diagnostics.handlers.upload({ previewId: preview.id, confirmThisUpload: false });
    await vi.waitFor(() => expect(core.diagnostics.state().uploads[0]?.state).toBe('sent'), { timeout: 10_000 });
    expect(await readdir(join(dataDir, 'diagnostics', 'uploads'))).not.toEqual([]);

    const envelope = await core.dispatch('trayside:preferences.update', { consent: 'anonymous-usage' });
    expect(envelope.ok).toBe(true);

    const privacy = () => core.dispatch('trayside:privacy.getState', undefined);
    await vi.waitFor(
      async () =>
        expect(await privacy()).toMatchObject({
          ok: true,
          value: {
            requests: [
              {
                kind: 'deletion',
                reason: 'consent-withdrawn',
                scopes: ['support'],
                status: 'completed',
                counts: { diagnosticsCases: 1, events: 0 },
              },
            ],
          },
        }),
      { timeout: 10_000 },
    );
    // Here: the upload and its record are gone, so the panel no longer lists case codes support cannot open.
    await vi.waitFor(() => expect(core.diagnostics.state().uploads).toEqual([]));
    expect(await readdir(join(dataDir, 'diagnostics', 'uploads'))).toEqual([]);
    // On the server: the case is gone, the usage events are still there.
    const exportState = await core.dispatch('trayside:privacy.requestExport', undefined);
    expect(exportState.ok).toBe(true);
    await vi.waitFor(
      async () => expect(await privacy()).toMatchObject({ value: { requests: [{ kind: 'export', status: 'completed' }, {}] } }),
      { timeout: 10_000 },
    );
    const state = await privacy();
    if (!state.ok) throw new Error(state.error.message);
    const exported = (state.value as { requests: Array<{ counts: { events: number; diagnosticsCases: number } | null }> }).requests[0]!;
    expect(exported.counts).toMatchObject({ events: 1, diagnosticsCases: 0 });
    expect(core.settings.get().consent).toBe('anonymous-usage');
  });

  it('an install that never sent anything makes no deletion request (it would be the first thing to identify it)', async () => {
    const { core } = await startApp('support-sharing');
    await core.dispatch('trayside:preferences.update', { consent: 'anonymous-usage' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const state = await core.dispatch('trayside:privacy.getState', undefined);
    expect(state).toMatchObject({ ok: true, value: { requests: [] } });
  });
});
