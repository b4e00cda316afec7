import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceIdentitySources, DeviceSnapshot } from '../../common/device.js';
import { parseBundle } from '../../common/diagnostics/bundle.js';
import { newCaseCode } from '../../common/diagnostics/case-code.js';
import { systemClock, systemTimers, type Disposable } from '../../common/lifecycle.js';
import { classifySupply } from '../../common/supply.js';
import { FakeTime } from '../../test/support/fake-time.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createAppLogger } from '../logging/app-logger.js';
import { createDiagnosticsService, type DiagnosticsService, type SaveBundleFile } from './diagnostics-service.js';
import { openReproMode } from './repro-mode.js';
import { openTimeline, type Timeline } from './timeline.js';

const tempDir = tempDirs();
const SERIAL = 'CN7Q2XK4LD';
const DAY = 86_400_000;

function printer(conditions: DeviceSnapshot['conditions'] = []): DeviceSnapshot {
  return {
    id: `usb:03f0:0c17:${SERIAL}`,
    transport: 'usb-printer',
    identity: {
      manufacturer: 'HP',
      model: 'OfficeJet 8010',
      serial: SERIAL,
      firmware: 'WBP2CN2041AR',
      vendorId: 0x03f0,
      productId: 0x0c17,
      commandSet: ['PCL3GUI', 'PJL'],
    },
    state: conditions.length > 0 ? 'error' : 'ok',
    statusLine: conditions[0]?.message ?? 'Ready',
    conditions,
    supplies: [
      {
        ...classifySupply({
          id: 'cyan',
          name: 'Cyan',
          kind: 'ink',
          role: 'consumable',
          level: { kind: 'percent', percent: 14 },
          lowThreshold: 10,
        }),
        daysLeft: 8,
      },
    ],
    facts: {},
    stale: false,
    updatedAt: Date.now(),
  };
}

interface Stub {
  url: string;
  received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  /** Answers the next POSTs with these statuses (then 201). */
  refuse: Array<{ status: number; message: string }>;
  server: Server;
}

/** A loopback stand-in for the backend's diagnostics API (common/diagnostics/api.ts). */
async function startStub(port = 0): Promise<Stub> {
  const stub: Stub = { url: '', received: [], refuse: [], server: createServer() };
  const tokens = new Map<string, string>();
  stub.server.on('request', (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      stub.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const send = (status: number, value?: unknown): void => {
        response.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        response.end(value === undefined ? undefined : JSON.stringify(value));
      };
      if (request.method === 'POST' && request.url === '/v1/diagnostics') {
        const refusal = stub.refuse.shift();
        if (refusal) return send(refusal.status, { statusCode: refusal.status, error: 'Refused', message: refusal.message });
        const code = newCaseCode();
        const token = `token-${code}-0123456789abcdef`;
        tokens.set(code, token);
        return send(201, { caseCode: code, expiresAt: Date.now() + 30 * DAY, deleteToken: token });
      }
      const match = /^\/v1\/diagnostics\/(.+)$/.exec(request.url ?? '');
      if (request.method === 'DELETE' && match) {
        const code = decodeURIComponent(match[1]!);
        if (!tokens.has(code)) return send(404, { statusCode: 404, error: 'Not Found', message: 'unknown case' });
        if (request.headers.authorization !== `Bearer ${tokens.get(code)}`)
          return send(403, { statusCode: 403, error: 'Forbidden', message: 'wrong token' });
        tokens.delete(code);
        return send(204);
      }
      send(404, { statusCode: 404, error: 'Not Found', message: 'no route' });
    });
  });
  await new Promise<void>((resolve) => stub.server.listen(port, '127.0.0.1', resolve));
  const address = stub.server.address();
  stub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return stub;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  dir: string;
  backend?: string;
  sharing?: boolean;
  snapshots?: DeviceSnapshot[];
  /** What each device sent about itself, by device id. */
  identitySources?: Record<string, DeviceIdentitySources>;
  saveFile?: SaveBundleFile;
  /** Clock and timers the test moves (retries). */
  timers?: FakeTime;
}

async function service(setup: Setup): Promise<{ service: DiagnosticsService; timeline: Timeline }> {
  const timeline = openTimeline({ dir: join(setup.dir, 'diagnostics'), clock: systemClock, timers: systemTimers, log: () => undefined });
  const snapshots = setup.snapshots ?? [printer()];
  const logger = createAppLogger({ dir: join(setup.dir, 'logs'), clock: systemClock });
  logger.log(`devices: opened ${SERIAL} through /home/alice/.trayside for ipp://office.local:631/printers/Office_Laser`);
  logger.log('host: listening on http://127.0.0.1:4477/');
  await logger.close();
  timeline.observe(snapshots);
  const created = createDiagnosticsService({
    dir: join(setup.dir, 'diagnostics'),
    sources: {
      now: () => Date.now(),
      app: { name: 'Trayside', version: '0.1.0', host: 'node' },
      devices: () => snapshots,
      identitySources: (deviceId) => setup.identitySources?.[deviceId],
      samples: () => [0, 1, 2, 3, 4].map((day) => ({ at: Date.now() - (5 - day) * DAY, remaining: 40 - day * 5 })),
      inbox: () => [{ id: 'cyan-low', title: 'Cyan running low — order 805XL', deliveredAt: Date.now() - DAY }],
      settings: () => ({ consent: setup.sharing ? 'support-sharing' : 'none', locale: null, apiToken: 'hunter2' }),
      logDir: join(setup.dir, 'logs'),
      identity: () => ({ user: 'alice', host: 'alice-laptop' }),
    },
    timeline,
    clock: setup.timers ?? systemClock,
    timers: setup.timers ?? systemTimers,
    log: () => undefined,
    backendUrl: () => setup.backend,
    supportUrl: () => 'https://support.example.com/trayside',
    supportSharing: () => setup.sharing ?? false,
    saveFile: setup.saveFile ?? (async () => ({ status: 'cancelled' })),
    openExternal: async () => undefined,
  });
  cleanups.push(() => {
    created.dispose();
    timeline.dispose();
  });
  await created.ready;
  return { service: created, timeline };
}

describe('capture and review', () => {
  it('captures devices, history with the forecast, errors, messages, settings and logs, with serials, users and printer URIs as placeholders', async () => {
    const dir = tempDir('trayside-diag-');
    const { service: diagnostics, timeline } = await service({ dir });
    timeline.observe([printer([{ code: 'media-jam', severity: 'error', message: 'Paper jam: open the rear door and remove the paper' }])]);
    const preview = await diagnostics.handlers.capture();
    const parsed = parseBundle(preview.text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const bundle = parsed.bundle;
    expect(preview.text).not.toContain(SERIAL);
    expect(preview.text).not.toContain('alice');
    expect(preview.text).not.toContain('hunter2');
    expect(bundle.devices[0]).toMatchObject({
      serial: '<serial-1>',
      id: 'usb:03f0:0c17:<serial-1>',
      model: 'OfficeJet 8010',
      ieee1284: { SN: '<serial-1>', CMD: 'PCL3GUI,PJL' },
    });
    expect(bundle.history.supplies[0]).toMatchObject({ supplyId: 'cyan', remaining: 14, daysLeft: 8 });
    expect(bundle.history.supplies[0]!.samples).toHaveLength(5);
    expect(bundle.errors).toEqual([expect.objectContaining({ code: 'media-jam', severity: 'error', since: expect.any(Number) })]);
    expect(bundle.history.statusChanges.map((change) => change.state)).toEqual(['ok', 'error']);
    expect(bundle.messages[0]).toMatchObject({ messageId: 'cyan-low', title: 'Cyan running low — order 805XL' });
    expect(bundle.settings).toMatchObject({ apiToken: '<secret>', consent: 'none' });
    expect(bundle.logs.map((entry) => entry.message)).toEqual([
      'opened <serial-1> through /home/<user-1>/.trayside for <printer-uri-1>',
      'listening on http://127.0.0.1:4477/',
    ]);
    expect(preview.kinds.find((kind) => kind.kind === 'serial')).toMatchObject({ count: 1, choice: 'remove' });
    expect(preview.leftOut.map((entry) => entry.what)).toContain('Setting "apiToken"');
    expect(preview.bytes).toBe(Buffer.byteLength(preview.text));
    expect(preview.compressedBytes).toBeGreaterThan(0);
  });

  it('carries what each device sent: the 1284 ID field by field, the HID descriptor in summary, the IPP attributes; serials and queue names as placeholders, location text left out', async () => {
    const dir = tempDir('trayside-diag-raw-');
    const usb = printer();
    const ups: DeviceSnapshot = {
      ...printer(),
      id: 'hid:051d:0002:3B1234X56789',
      transport: 'hid',
      identity: { manufacturer: 'APC', model: 'Back-UPS ES 850G2', serial: '3B1234X56789', commandSet: [] },
      supplies: [],
    };
    const ipp: DeviceSnapshot = {
      ...printer(),
      id: 'ipp:office',
      transport: 'ipp',
      identity: { manufacturer: 'Brother', model: 'HL-L2350DW', serial: 'E78123K9N123456', commandSet: [] },
      supplies: [],
    };
    const { service: diagnostics } = await service({
      dir,
      snapshots: [usb, ups, ipp],
      identitySources: {
        // The 1284 ID's own serial differs from the USB one: both are personal.
        [usb.id]: { ieee1284: { MFG: 'HP', MDL: 'OfficeJet 8010', CMD: 'PCL3GUI,PJL', SN: 'TH0A1B2C3D', 'X-VENDOR': 'Ink=805' } },
        [ups.id]: {
          hid: {
            usagePage: 0x84,
            usage: 0x04,
            reports: { input: 2, output: 0, feature: 7 },
            usages: ['batteryRemainingCapacity', '0x00ff:0x0001'],
          },
        },
        [ipp.id]: {
          ipp: {
            'printer-make-and-model': 'Brother HL-L2350DW series',
            'printer-uuid': 'urn:uuid:E78123K9N123456',
            'printer-name': 'Alices_Laser',
            'printer-uri-supported': ['ipp://192.168.1.40/ipp/print', 'ipps://192.168.1.40/ipp/print'],
            'printer-location': 'Alice’s study, 2nd floor',
            'printer-state-reasons': ['toner-low', 'media-empty'],
          },
          ieee1284: { MFG: 'Brother', MDL: 'HL-L2350DW series', SN: 'E78123K9N123456' },
        },
      },
    });
    const preview = await diagnostics.handlers.capture();
    const parsed = parseBundle(preview.text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [first, second, third] = parsed.bundle.devices;
    for (const secret of [SERIAL, 'TH0A1B2C3D', 'E78123K9N123456', 'Alices_Laser', '192.168.1.40', 'study'])
      expect(preview.text).not.toContain(secret);
    expect(first!.ieee1284).toEqual({ MFG: 'HP', MDL: 'OfficeJet 8010', CMD: 'PCL3GUI,PJL', SN: '<serial-2>', 'X-VENDOR': 'Ink=805' });
    expect(second!.hid).toEqual({
      usagePage: 0x84,
      usage: 0x04,
      reports: { input: 2, output: 0, feature: 7 },
      usages: ['batteryRemainingCapacity', '0x00ff:0x0001'],
    });
    expect(third!.ipp).toMatchObject({
      'printer-make-and-model': 'Brother HL-L2350DW series',
      'printer-uuid': expect.stringMatching(/^urn:uuid:<serial-\d>$/),
      'printer-name': '<queue-1>',
      'printer-uri-supported': ['<printer-uri-1>', '<printer-uri-2>'],
      'printer-state-reasons': ['toner-low', 'media-empty'],
    });
    expect(third!.ipp).not.toHaveProperty('printer-location');
    expect(third!.ieee1284?.SN).toMatch(/^<serial-\d>$/);
    expect(preview.leftOut.map((entry) => entry.what)).toEqual(
      expect.arrayContaining([expect.stringContaining('printer-location'), 'HID report descriptor bytes']),
    );
    expect(preview.kinds.find((kind) => kind.kind === 'serial')).toMatchObject({ choice: 'remove' });
  });

  it('keeps a kind the owner keeps, and remembers the choice for the next capture', async () => {
    const dir = tempDir('trayside-diag-keep-');
    const first = await service({ dir });
    const before = await first.service.handlers.capture();
    const kept = await first.service.handlers.setRedaction({ kind: 'serial', choice: 'keep' });
    expect(kept.id).not.toBe(before.id);
    expect(kept.text).toContain(SERIAL);
    expect(kept.kinds.find((kind) => kind.kind === 'serial')?.choice).toBe('keep');
    first.service.dispose();
    const second = await service({ dir });
    expect((await second.service.handlers.capture()).text).toContain(SERIAL);
  });

  it('exports exactly the reviewed text, and refuses a preview that is no longer current', async () => {
    const dir = tempDir('trayside-diag-export-');
    const saved: string[] = [];
    const { service: diagnostics } = await service({
      dir,
      saveFile: async (name, text) => (saved.push(text), { status: 'saved', path: join(dir, name) }),
    });
    const old = await diagnostics.handlers.capture();
    const preview = await diagnostics.handlers.capture();
    await expect(diagnostics.handlers.exportBundle({ previewId: old.id === preview.id ? 'not-the-current-one' : old.id })).rejects.toThrow(
      /no longer the one under review/,
    );
    const result = await diagnostics.handlers.exportBundle({ previewId: preview.id });
    expect(result).toMatchObject({ status: 'saved', path: expect.stringMatching(/trayside-diagnostics-.*\.json$/) });
    expect(saved).toEqual([preview.text]);
  });
});

describe('upload', () => {
  it('needs support-sharing consent or a yes for this one upload', async () => {
    const stub = await startStub();
    cleanups.push(() => new Promise((resolve) => stub.server.close(() => resolve())));
    const { service: diagnostics } = await service({ dir: tempDir('trayside-diag-consent-'), backend: stub.url });
    const preview = await diagnostics.handlers.capture();
    await expect(diagnostics.handlers.upload({ previewId: preview.id, confirmThisUpload: false })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(stub.received).toHaveLength(0);
  });

  it('sends the reviewed bytes gzip-compressed, reports progress and the case code, and deletes by code with the token', async () => {
    const stub = await startStub();
    cleanups.push(() => new Promise((resolve) => stub.server.close(() => resolve())));
    const dir = tempDir('trayside-diag-upload-');
    const { service: diagnostics } = await service({ dir, backend: stub.url, sharing: true });
    const progress: number[] = [];
    const watching: Disposable = diagnostics.onChanged((state) => progress.push(state.uploads[0]?.progress ?? 0));
    cleanups.push(() => watching.dispose());
    const preview = await diagnostics.handlers.capture();
    const queued = await diagnostics.handlers.upload({ previewId: preview.id, confirmThisUpload: false });
    await vi.waitFor(() => expect(diagnostics.state().uploads[0]?.state).toBe('sent'));
    const sent = diagnostics.state().uploads[0]!;
    expect(sent.id).toBe(queued.id);
    expect(sent.caseCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    expect(sent.caseCodeGroups).toEqual(sent.caseCode!.split('-'));
    expect(progress).toContain(1);
    const post = stub.received[0]!;
    expect(post.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(post.body).toString('utf8')).toBe(preview.text);
    // The delete token stays on this machine: not in the bundle, not shown in the view.
    expect(JSON.stringify(diagnostics.state())).not.toContain('token-');

    await expect(diagnostics.handlers.deleteUpload({ caseCode: sent.caseCode!.toLowerCase() })).resolves.toEqual({ status: 'deleted' });
    expect(stub.received[1]).toMatchObject({
      method: 'DELETE',
      headers: expect.objectContaining({ authorization: expect.stringMatching(/^Bearer token-/) }),
    });
    expect(diagnostics.state().uploads).toEqual([]);
    await expect(diagnostics.handlers.deleteUpload({ caseCode: sent.caseCode! })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('waits offline on disk and sends after a restart once the server is there', async () => {
    const stub = await startStub();
    const port = Number(new URL(stub.url).port);
    await new Promise<void>((resolve) => stub.server.close(() => resolve()));
    const dir = tempDir('trayside-diag-offline-');
    const first = await service({ dir, backend: stub.url, sharing: true });
    const preview = await first.service.handlers.capture();
    await first.service.handlers.upload({ previewId: preview.id, confirmThisUpload: false });
    await vi.waitFor(() =>
      expect(first.service.state().uploads[0]).toMatchObject({
        state: 'queued',
        attempts: 1,
        problem: expect.stringMatching(/Could not reach the support server at http:\/\/127\.0\.0\.1:\d+: /),
      }),
    );
    expect(first.service.state().uploads[0]!.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(readdirSync(join(dir, 'diagnostics', 'uploads')).some((name) => name.endsWith('.json.gz'))).toBe(true);
    first.service.dispose();

    const back = await startStub(port);
    cleanups.push(() => new Promise((resolve) => back.server.close(() => resolve())));
    const second = await service({ dir, backend: back.url, sharing: true });
    await vi.waitFor(() => expect(second.service.state().uploads[0]).toMatchObject({ state: 'sent', caseCode: expect.any(String) }));
    expect(gunzipSync(back.received[0]!.body).toString('utf8')).toBe(preview.text);
    expect(readdirSync(join(dir, 'diagnostics', 'uploads')).some((name) => name.endsWith('.json.gz'))).toBe(false);
  });

  it("a refusal the server means (413) is final with the server's words; after a 503 it tries again by itself", async () => {
    const stub = await startStub();
    cleanups.push(() => new Promise((resolve) => stub.server.close(() => resolve())));
    const timers = new FakeTime();
    const { service: diagnostics } = await service({ dir: tempDir('trayside-diag-refused-'), backend: stub.url, sharing: true, timers });
    stub.refuse.push({ status: 413, message: 'bundle is over the 8 MB limit' });
    const preview = await diagnostics.handlers.capture();
    const refused = await diagnostics.handlers.upload({ previewId: preview.id, confirmThisUpload: false });
    await vi.waitFor(() =>
      expect(diagnostics.state().uploads[0]).toMatchObject({
        state: 'failed',
        problem: expect.stringContaining('413: bundle is over the 8 MB limit'),
      }),
    );
    await timers.advance(3_600_000);
    expect(stub.received).toHaveLength(1);
    await diagnostics.handlers.discardUpload({ id: refused.id });

    stub.refuse.push({ status: 503, message: 'busy' });
    await diagnostics.handlers.upload({ previewId: preview.id, confirmThisUpload: false });
    await vi.waitFor(() =>
      expect(diagnostics.state().uploads[0]).toMatchObject({ state: 'queued', problem: expect.stringContaining('503: busy') }),
    );
    expect(stub.received).toHaveLength(2);
    // The first retry waits 5 s.
    await timers.advance(5_000);
    await vi.waitFor(() => expect(diagnostics.state().uploads[0]?.state).toBe('sent'));
    expect(stub.received).toHaveLength(3);
  });

  it('a support server address that is not a URL fails the upload in words and keeps the bundle for export', async () => {
    const saved: string[] = [];
    const { service: diagnostics } = await service({
      dir: tempDir('trayside-diag-bad-url-'),
      backend: 'support.example.com:not a port',
      sharing: true,
      saveFile: async (_name, text) => {
        saved.push(text);
        return { status: 'saved', path: '/tmp/bundle.json' };
      },
    });
    const preview = await diagnostics.handlers.capture();
    await diagnostics.handlers.upload({ previewId: preview.id, confirmThisUpload: false });
    await vi.waitFor(() =>
      expect(diagnostics.state().uploads[0]).toMatchObject({
        state: 'failed',
        problem: expect.stringContaining('"support.example.com:not a port" is not a valid URL'),
      }),
    );
    await diagnostics.handlers.exportBundle({ previewId: preview.id });
    expect(saved).toEqual([preview.text]);
  });
});

describe('repro mode', () => {
  it('raises the log level for 15 minutes and reverts by itself, also across a restart', async () => {
    const dir = tempDir('trayside-repro-');
    const time = new FakeTime();
    const levels: string[] = [];
    const logger = { baseLevel: 'info' as const, setLevel: (level: string) => levels.push(level) };
    const first = openReproMode({ dir, clock: time, timers: time, log: () => undefined, logger, onChanged: () => undefined });
    const started = await first.start();
    expect(started).toMatchObject({ active: true, endsAt: time.now() + 15 * 60_000, raisesLogDetail: true });
    expect(levels).toEqual(['debug']);
    // A crash five minutes in: the next start resumes the rest of the window.
    await time.advance(5 * 60_000);
    first.dispose();
    const second = openReproMode({ dir, clock: time, timers: time, log: () => undefined, logger, onChanged: () => undefined });
    expect(second.view().active).toBe(true);
    expect(levels).toEqual(['debug', 'debug']);
    await time.advance(10 * 60_000);
    expect(levels.at(-1)).toBe('info');
    expect(second.view().active).toBe(false);
    expect(second.window()).toEqual({ start: started.startedAt, end: started.endsAt });
    second.dispose();
    // A start after the window ended stays at the normal level.
    const third = openReproMode({ dir, clock: time, timers: time, log: () => undefined, logger, onChanged: () => undefined });
    expect(third.view().active).toBe(false);
    expect(levels.at(-1)).toBe('info');
    third.dispose();
    expect(time.pendingCount).toBe(0);
    expect(existsSync(join(dir, 'repro.json'))).toBe(true);
  });
});
