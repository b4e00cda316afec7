import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelName } from '../../common/contract/define.js';
import { DiscoveredPrinterSchema } from '../../common/contract/devices.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { createCore, type Core } from '../../core/core.js';
import { composeHostDevices, type HostDevices } from '../../core/host-devices.js';
import { testCoreOptions } from '../support/test-core.js';

// The same responder as dns-sd.test.ts, reached the way the panel reaches it: the host's device
// composition starts discovery, and every call goes through the core's dispatcher, which checks
// input and output against the contract.

const appAddress = process.env.TRAYSIDE_DISCOVERY_INTERFACE ?? '';
if (!appAddress)
  console.info(
    'skipped: DNS-SD discovery through the core: no network namespace with a responder (scripts/ipp/run.sh builds one when run as root)',
  );

describe.skipIf(!appAddress)('the panel adds a discovered printer through the core', () => {
  let dir: string;
  let devices: HostDevices;
  let core: Core;
  const call = async (name: string, input?: unknown) => core.dispatch(channelName('devices', name), input);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trayside-core-discovery-'));
    devices = composeHostDevices({
      vendorIds: [0x1234],
      ippPrinters: [],
      demo: 'never',
      clock: systemClock,
      simSpeed: 1,
      log: () => undefined,
      loadUsb: async () => ({ unavailable: 'no USB bus here' }),
      loadHid: async () => ({ unavailable: 'no HID here' }),
      networkPrinters: { file: join(dir, 'network-printers.json'), discover: true, interfaceAddress: appAddress },
    });
    core = createCore(
      testCoreOptions(
        { ...systemClock, ...systemTimers },
        { sources: devices.sources, networkPrinters: devices.network!, unreadablePrinters: () => devices.unreadable() },
      ),
    );
    await core.start();
  });
  afterAll(() => {
    core?.dispose();
    devices?.dispose();
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });

  it('devices.discovered lists the printer (contract-valid), devices.addDiscovered makes it a device the monitor reads', async () => {
    const events: unknown[] = [];
    const subscription = core.events.subscribe((event) => {
      if (event.channel === channelName('devices', 'onDiscoveredChanged')) events.push(event.payload);
    });
    let printer: { id: string; name: string; added: boolean } | undefined;
    await vi.waitFor(
      async () => {
        const answer = await call('discovered');
        expect(answer.ok).toBe(true);
        printer = (answer.ok ? (answer.value as Array<{ id: string; name: string; added: boolean }>) : []).find(
          (candidate) => candidate.name === 'Trayside Lab Printer',
        );
        expect(printer).toBeDefined();
      },
      { timeout: 15_000, interval: 250 },
    );
    DiscoveredPrinterSchema.parse(printer);
    expect(printer!.added).toBe(false);

    expect(await call('addDiscovered', { id: printer!.id })).toMatchObject({ ok: true });
    await vi.waitFor(
      () =>
        expect(
          core.monitor.snapshots().map((snapshot) => snapshot.identity.model),
          JSON.stringify(core.monitor.snapshots()),
        ).toContain('Discovered IPP'),
      { timeout: 20_000, interval: 250 },
    );
    const answer = await call('discovered');
    expect(
      answer.ok && (answer.value as Array<{ id: string; added: boolean }>).find((candidate) => candidate.id === printer!.id)?.added,
    ).toBe(true);
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(dir, 'network-printers.json'), 'utf8')).printers).toHaveLength(1);
    subscription.dispose();

    expect(await call('addDiscovered', { id: 'uuid:00000000-0000-0000-0000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await call('addDiscovered', { id: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('unreadable')).toEqual({ ok: true, value: [] });
  });
});
