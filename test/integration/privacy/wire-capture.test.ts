// Proof from the wire: the real core (simulated printer, fake clock) against the real backend
// through a recording proxy on 127.0.0.1, once per consent level and once with a policy that
// locks consent to "none". Every request and field recorded must be listed for that level in
// docs/privacy.md; at "none" nothing that names the install may appear at all.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../../common/branding.js';
import type { EffectivePolicy } from '../../../common/policy.js';
import type { Consent } from '../../../common/settings.js';
import { createCore } from '../../../core/core.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { SimulatedPrinter } from '../../../native/simulated/printer.js';
import { SimulatedSource } from '../../../native/simulated/simulated-source.js';
import { FakeTime } from '../../support/fake-time.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_wire-capture-token';
const POLL_SECONDS = 600;
const TRANSPORT_HEADERS = new Set([
  'host',
  'connection',
  'content-type',
  'content-length',
  'accept',
  'accept-encoding',
  'accept-language',
  'user-agent',
  'sec-fetch-mode',
  'if-none-match',
  'pragma',
  'cache-control',
]);

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One row of the docs table: a request pattern, the levels it may be sent at, the fields it may carry. */
interface Row {
  pattern: RegExp;
  request: string;
  levels: Set<string>;
  onRequestOnly: boolean;
  fields: Set<string>;
}

async function docsTable(): Promise<Row[]> {
  const text = await readFile(path.join(import.meta.dirname, '..', '..', '..', 'docs', 'privacy.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [request, sentAt, , fields] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const [method, route] = request!.replaceAll('`', '').split(' ');
      const pattern = new RegExp(`^${method} ${route!.replace(/\{[A-Za-z]+\}/g, '[^/]+')}(\\?.*)?$`);
      return {
        pattern,
        request: request!,
        levels: new Set(sentAt!.split(/,\s*/).map((level) => level.trim())),
        onRequestOnly: sentAt!.startsWith('any level'),
        fields: new Set([...fields!.matchAll(/`([A-Za-z-]+)`/g)].map((match) => match[1]!)),
      };
    });
}

let backend: TestServer;
let proxy: Server;
let proxyUrl = '';
let recording: Recorded[] = [];
let dir = '';
const time = new FakeTime(Date.now());

async function admin(method: string, route: string, body?: unknown): Promise<void> {
  const response = await fetch(new URL(route, backend.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-wire-'));
  backend = await startTestServer(
    { clock: time, timing: { pollIntervalSeconds: POLL_SECONDS }, versionRefreshMs: 0 },
    { adminToken: ADMIN },
  );
  proxy = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
      recording.push({ method: request.method!, path: request.url!, headers, body });
      const answer = await fetch(new URL(request.url!, backend.url), {
        method: request.method!,
        headers,
        ...(body === '' ? {} : { body }),
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'content-length') out[name] = value;
      });
      response.writeHead(answer.status, out).end(bytes);
    })();
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  await admin('POST', '/v1/admin/campaigns', {
    id: 'wire-cyan',
    name: 'wire-cyan',
    category: 'supplies',
    priority: 500,
    urgency: 'urgent',
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: true,
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title: 'Cyan running low', body: 'Order **805XL**.' } } }],
  });
  await admin('POST', '/v1/admin/campaigns/wire-cyan/publish');
}, 120_000);

afterAll(async () => {
  await new Promise((done) => proxy?.close(done));
  await backend?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** A simulated day in short: start, polls, the message shown, opened and dismissed; returns the install id and what went over the wire. */
async function simulatedDay(
  name: string,
  consent: Consent,
  policy?: EffectivePolicy,
): Promise<{ installId: string; requests: Recorded[] }> {
  recording = [];
  const publicKey = await backend.publicKey();
  const core = createCore({
    appInfo: { name: 'Trayside', version: '0.1.0', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time })])],
    settingsStorage: memorySettingsStorage({ locale: 'en', consent }),
    clock: time,
    timers: time,
    log: () => undefined,
    branding: BrandingSchema.parse({ name: 'Trayside', backendUrl: proxyUrl, signingKeys: [publicKey], productLine: 'trayside-demo' }),
    dataDir: path.join(dir, name),
    fetch: (target, init) => fetch(target, init),
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
    ...(policy ? { policy } : {}),
  });
  try {
    await core.start();
    await vi.waitFor(() => expect(core.messages.inbox().items.map((item) => item.id)).toContain('wire-cyan@1'), { timeout: 15_000 });
    await core.handlers.messages.markRead({ id: 'wire-cyan@1' });
    await core.handlers.messages.dismiss({ id: 'wire-cyan@1' });
    for (let poll = 0; poll < 4; poll += 1) {
      await time.advance(POLL_SECONDS * 1100);
      await new Promise((done) => setTimeout(done, 100));
    }
    const engagement = await core.engagement;
    await engagement.flush();
    if (consent !== 'none' && policy === undefined)
      await vi.waitFor(() => expect(recording.some((request) => request.path === '/v1/events')).toBe(true), { timeout: 10_000 });
    return { installId: engagement.installId, requests: [...recording] };
  } finally {
    await core.close();
  }
}

function fieldsOf(request: Recorded): string[] {
  const names = Object.keys(request.headers).filter((header) => !TRANSPORT_HEADERS.has(header));
  if (request.body === '') return names;
  const body = JSON.parse(request.body) as Record<string, unknown>;
  names.push(...Object.keys(body));
  for (const event of Array.isArray(body.events) ? (body.events as Record<string, unknown>[]) : []) names.push(...Object.keys(event));
  return names;
}

function expectCovered(level: string, requests: readonly Recorded[], table: readonly Row[]): void {
  for (const request of requests) {
    const line = `${request.method} ${request.path}`;
    const row = table.find((candidate) => candidate.pattern.test(line));
    expect(row, `${line} is not in docs/privacy.md`).toBeDefined();
    // Requests the owner triggers by hand are not part of a day's recording.
    expect(row!.onRequestOnly, `${line} was sent without the owner asking`).toBe(false);
    expect([...row!.levels], `${line} sent at ${level}`).toContain(level);
    for (const field of fieldsOf(request)) {
      if (field === 'x-trayside-install' && level === 'none') throw new Error(`${line} carried the install header at "none"`);
      expect([...row!.fields], `${line} sent the field "${field}" at ${level}, which docs/privacy.md does not list`).toContain(field);
    }
  }
}

describe('what goes over the wire, per consent level', () => {
  let table: Row[];
  beforeAll(async () => {
    table = await docsTable();
    expect(table.length).toBeGreaterThan(3);
  });

  it('none: manifests only, and nothing anywhere in them names the install', { timeout: 120_000 }, async () => {
    const { installId, requests } = await simulatedDay('none', 'none');
    expect(requests.length).toBeGreaterThan(0);
    expect(new Set(requests.map((request) => `${request.method} ${request.path.split('/').slice(0, 3).join('/')}`))).toEqual(
      new Set(['GET /v1/manifests']),
    );
    for (const request of requests) expect(JSON.stringify(request), 'the install id went over the wire at "none"').not.toContain(installId);
    expectCovered('none', requests, table);
  });

  for (const level of ['anonymous-usage', 'support-sharing'] as const) {
    it(`${level}: registration, events and segments, each field listed for the level`, { timeout: 120_000 }, async () => {
      const { installId, requests } = await simulatedDay(level, level);
      const kinds = new Set(requests.map((request) => `${request.method} ${request.path.replace(installId, '{installId}').split('?')[0]}`));
      expect(kinds).toContain('POST /v1/installs');
      expect(kinds).toContain('POST /v1/events');
      const events = requests
        .filter((request) => request.path === '/v1/events')
        .flatMap((request) => (JSON.parse(request.body) as { events: { type: string }[] }).events.map((event) => event.type));
      expect(events).toEqual(expect.arrayContaining(['impression', 'open', 'dismiss']));
      for (const request of requests.filter((candidate) => candidate.path === '/v1/events'))
        expect(request.headers.authorization).toMatch(/^Bearer ts_install_/);
      expectCovered(level, requests, table);
    });
  }

  it(
    'an enforced policy locking consent to "none" wins over the owner\'s "support sharing": the wire looks like "none"',
    { timeout: 120_000 },
    async () => {
      const policy: EffectivePolicy = {
        enforced: { ConsentCeiling: 'none' },
        recommended: {},
        sources: ['/etc/trayside/policy.json (enforced)'],
      };
      const { installId, requests } = await simulatedDay('locked', 'support-sharing', policy);
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) expect(JSON.stringify(request)).not.toContain(installId);
      expectCovered('none', requests, table);
    },
  );
});
