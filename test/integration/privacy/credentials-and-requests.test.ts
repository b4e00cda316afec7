import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../common/events.js';
import { PrivacyExportSchema, PrivacyReceiptSchema } from '../../../common/privacy.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../../server/crm/webhook.js';
import { hashToken } from '../../../server/http/auth.js';
import { newTestInstall, registerTestInstall, type TestInstall } from '../../support/install-credentials.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_privacy-test-token';
const SECRET = 'a-webhook-secret-of-some-length';

const hooks: { body: string; signed: boolean }[] = [];
const receiver = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    const header = request.headers[SIGNATURE_HEADER];
    hooks.push({
      body,
      signed: verifyWebhookSignature(SECRET, typeof header === 'string' ? header : undefined, body, Math.floor(Date.now() / 1000)),
    });
    response.writeHead(200).end();
  });
});

let server: TestServer;
beforeAll(async () => {
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const port = (receiver.address() as AddressInfo).port;
  server = await startTestServer(
    { crmWebhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET, baseDelayMs: 20, pollMs: 20 } },
    { adminToken: ADMIN },
  );
});
afterAll(async () => {
  await server?.close();
  await new Promise((done) => receiver.close(done));
});

const event = (type: 'impression' | 'open', campaignId: string): DeviceEvent =>
  ({ id: randomUUID(), type, at: new Date().toISOString(), campaignId, variantId: 'a' }) as DeviceEvent;

async function upload(installId: string, events: DeviceEvent[], headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ installId, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events }),
  });
}

/** Impressions as the stats rollups count them, and how many installs they came from. */
async function impressions(campaignId: string): Promise<{ count: number; installs: number }> {
  const rows = (await server.store.analytics.countEvents(campaignId)).filter((row) => row.type === 'impression');
  return { count: rows.reduce((sum, row) => sum + row.count, 0), installs: rows.reduce((sum, row) => sum + row.installs, 0) };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('install credentials', () => {
  it("refuses uploads without a credential, with a made-up one, or with another install's, and counts none of them", async () => {
    const owner = await registerTestInstall(server.url);
    const forger = newTestInstall(owner.installId);

    const bare = await upload(owner.installId, [event('impression', 'forged')], { 'x-trayside-install': owner.installId });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { message: string }).message).toMatch(
      /needs its credential.*POST \/v1\/installs.*Authorization: Bearer/,
    );

    const forged = await upload(
      owner.installId,
      Array.from({ length: 300 }, () => event('impression', 'forged')),
      forger.headers,
    );
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { message: string }).message).toContain(`does not belong to install ${owner.installId}`);

    // A registered install cannot upload under another install's id with its own credential.
    const other = await registerTestInstall(server.url);
    expect((await upload(owner.installId, [event('impression', 'forged')], other.headers)).status).toBe(401);

    const unregistered = newTestInstall();
    const unknown = await upload(unregistered.installId, [event('impression', 'forged')], unregistered.headers);
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { message: string }).message).toContain('has no registered credential');

    expect((await impressions('forged')).count).toBe(0);
    expect((await upload(owner.installId, [event('impression', 'forged')], owner.headers)).status).toBe(200);
    expect((await impressions('forged')).count).toBe(1);
  });

  it('registration is idempotent for the same credential and refuses a second credential for a taken id', async () => {
    const install = newTestInstall();
    const register = (headers: Record<string, string>) =>
      fetch(`${server.url}/v1/installs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ installId: install.installId }),
      });
    expect((await register(install.headers)).status).toBe(201);
    expect((await register(install.headers)).status).toBe(200);
    const hijack = await register(newTestInstall(install.installId).headers);
    expect(hijack.status).toBe(409);
    expect((await register({})).status).toBe(401);
    // Only the hash is stored.
    expect(await server.store.privacy.credentialHash(install.installId)).toBe(hashToken(install.credential));
  });

  it('answers segments only to the install they belong to', async () => {
    const owner = await registerTestInstall(server.url);
    await server.store.analytics.importSegments([{ installId: owner.installId, segments: ['vip'] }], new Date());
    const read = (headers: Record<string, string>) => fetch(`${server.url}/v1/segments/${owner.installId}`, { headers });
    expect((await read({})).status).toBe(401);
    expect((await read(newTestInstall(owner.installId).headers)).status).toBe(401);
    const own = await read(owner.headers);
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ segments: ['vip'] });
  });
});

describe('download and delete my data', () => {
  let owner: TestInstall;
  let bystander: TestInstall;
  const campaign = `privacy-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    owner = await registerTestInstall(server.url);
    bystander = await registerTestInstall(server.url);
    expect((await upload(owner.installId, [event('impression', campaign), event('open', campaign)], owner.headers)).status).toBe(200);
    expect((await upload(bystander.installId, [event('impression', campaign)], bystander.headers)).status).toBe(200);
    await server.store.analytics.importSegments(
      [
        { installId: owner.installId, segments: ['printer-owner'] },
        { installId: owner.installId, customerId: 'cust-1', segments: ['gold'] },
      ],
      new Date(),
    );
  });

  const post = (install: TestInstall, path: string, body: unknown) =>
    fetch(`${server.url}/v1/privacy/${install.installId}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...install.headers },
      body: JSON.stringify(body),
    });
  const get = (install: TestInstall, path: string, headers = install.headers) =>
    fetch(`${server.url}/v1/privacy/${install.installId}/${path}`, { headers });

  it('exports everything held for the install, with a completed receipt, and only to that install', async () => {
    const requestId = randomUUID();
    const answer = await post(owner, 'exports', { requestId });
    expect(answer.status).toBe(200);
    const receipt = PrivacyReceiptSchema.parse(await answer.json());
    expect(receipt).toMatchObject({
      id: requestId,
      kind: 'export',
      status: 'completed',
      counts: { events: 2, segments: 2, customerLinks: 1 },
    });
    expect(receipt.completedAt).not.toBeNull();

    const data = PrivacyExportSchema.parse(await (await get(owner, `exports/${requestId}`)).json());
    expect(data.events).toHaveLength(2);
    expect(data.segments).toEqual(['gold', 'printer-owner']);
    expect(data.customerIds).toEqual(['cust-1']);
    expect(data.outbox.map((row) => row.eventId).sort()).toEqual((data.events as { id: string }[]).map((row) => row.id).sort());

    expect((await get(owner, `exports/${requestId}`, bystander.headers)).status).toBe(401);
    expect((await get(bystander, `exports/${requestId}`)).status).toBe(404);
    // The same request id again is the same receipt, not a second export.
    expect(PrivacyReceiptSchema.parse(await (await post(owner, 'exports', { requestId })).json()).completedAt).toBe(receipt.completedAt);
  });

  it("deletes the install's events, outbox rows, segments, links and exports; the bystander's stay; the CRM hears of it", async () => {
    const before = await impressions(campaign);
    const requestId = randomUUID();
    const receipt = PrivacyReceiptSchema.parse(await (await post(owner, 'deletions', { requestId })).json());
    expect(receipt).toMatchObject({
      id: requestId,
      kind: 'deletion',
      status: 'completed',
      scopes: ['support', 'usage'],
      counts: { events: 2, outbox: 2, segments: 1, customerLinks: 1 },
    });

    const polled = PrivacyReceiptSchema.parse(await (await get(owner, `requests/${requestId}`)).json());
    expect(polled).toEqual(receipt);
    expect(await impressions(campaign)).toEqual({ count: before.count - 1, installs: before.installs - 1 });

    const after = PrivacyExportSchema.parse(
      await (
        await get(
          owner,
          `exports/${((await post(owner, 'exports', { requestId: randomUUID() }).then((r) => r.json())) as { id: string }).id}`,
        )
      ).json(),
    );
    expect(after).toMatchObject({ events: [], segments: [], customerIds: [], outbox: [], diagnosticsCases: [] });
    const list = (await (await get(owner, 'requests')).json()) as { requests: { kind: string }[] };
    expect(list.requests.map((entry) => entry.kind)).toEqual(['export', 'deletion', 'export']);

    const bystanderData = PrivacyExportSchema.parse(
      await (
        await get(
          bystander,
          `exports/${((await post(bystander, 'exports', { requestId: randomUUID() }).then((r) => r.json())) as { id: string }).id}`,
        )
      ).json(),
    );
    expect(bystanderData.events).toHaveLength(1);

    await until(() => hooks.some((hook) => hook.body.includes('"deletion"')), 'the CRM deletion event');
    const notice = hooks.find((hook) => hook.body.includes('"deletion"'))!;
    expect(notice.signed).toBe(true);
    expect(JSON.parse(notice.body)).toMatchObject({
      events: [{ id: requestId, type: 'deletion', installId: owner.installId, scopes: ['support', 'usage'] }],
    });
    await until(async () => (await server.store.privacy.crmNoticeCounts()).pending === 0, 'the deletion notice to be marked delivered');
  });

  it('refuses a deletion without the credential, and a request id of another install', async () => {
    const bare = await fetch(`${server.url}/v1/privacy/${owner.installId}/deletions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requestId: randomUUID() }),
    });
    expect(bare.status).toBe(401);
    const requestId = randomUUID();
    expect((await post(owner, 'deletions', { requestId })).status).toBe(200);
    expect((await post(bystander, 'deletions', { requestId })).status).toBe(409);
  });
});
