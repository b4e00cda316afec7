import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats } from '../../../common/analytics.js';
import type { DeviceEvent } from '../../../common/events.js';
import { runAdminCli } from '../../../server/admin-client.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../../server/crm/webhook.js';
import { hashToken } from '../../../server/http/auth.js';
import { testInstallHeaders } from '../../support/install-credentials.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_crm-test-token';
const SECRET = 'a-webhook-secret-of-some-length';
const INSTALL_A = '7b2e1d4c-3a5f-4b6e-9c8d-1e2f3a4b5c6d';
const INSTALL_B = '8c3f2e5d-4b6a-4c7f-8d9e-2f3a4b5c6d7e';

interface Delivery {
  status: number;
  body: string;
  signatureValid: boolean;
}
const deliveries: Delivery[] = [];
let failuresLeft = 3;
const receiver = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    const status = failuresLeft > 0 ? 503 : 200;
    if (failuresLeft > 0) failuresLeft -= 1;
    const header = request.headers[SIGNATURE_HEADER];
    deliveries.push({
      status,
      body,
      signatureValid: verifyWebhookSignature(SECRET, typeof header === 'string' ? header : undefined, body, Math.floor(Date.now() / 1000)),
    });
    response.writeHead(status).end();
  });
});

let server: TestServer;
beforeAll(async () => {
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const port = (receiver.address() as AddressInfo).port;
  server = await startTestServer({ crmWebhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET, baseDelayMs: 20, pollMs: 20 } });
  await server.store.addToken(hashToken(ADMIN), 'admin', 'test', new Date());
});
afterAll(async () => {
  await server?.close();
  await new Promise((done) => receiver.close(done));
});

const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
let n = 0;
const id = (): string => `20000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;
async function upload(installId: string, events: DeviceEvent[]): Promise<Response> {
  return fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await testInstallHeaders(server.url, installId)) },
    body: JSON.stringify({ installId, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events }),
  });
}
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(
    `timed out waiting for ${what}; receiver saw ${JSON.stringify(deliveries.map((d) => d.status))}, outbox ${JSON.stringify(await server.store.analytics.outboxCounts())}`,
  );
}

describe('CRM loop', () => {
  it('delivers each event once, signed, after the receiver failed the first attempts', async () => {
    const events: DeviceEvent[] = [
      { id: id(), type: 'impression', at: new Date().toISOString(), campaignId: 'crm-campaign', variantId: 'a' },
      {
        id: id(),
        type: 'reorder',
        at: new Date().toISOString(),
        campaignId: 'crm-campaign',
        variantId: 'a',
        items: [{ partNumber: 'TS-805XL-C', quantity: 2 }],
        region: 'DE',
        ref: 'ref-123',
      },
    ];
    expect((await upload(INSTALL_A, events)).status).toBe(200);
    // The same batch again (a lost answer): stored once, pushed once.
    const again = (await (await upload(INSTALL_A, events)).json()) as { accepted: number; duplicates: number };
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });

    await until(() => deliveries.some((delivery) => delivery.status === 200), 'a successful delivery');
    await until(async () => (await server.store.analytics.outboxCounts()).pending === 0, 'the outbox to drain');
    expect(deliveries.filter((delivery) => delivery.status === 503)).toHaveLength(3);
    const delivered = deliveries.filter((delivery) => delivery.status === 200);
    const deliveredIds = delivered.flatMap((delivery) =>
      (JSON.parse(delivery.body) as { events: { id: string }[] }).events.map((event) => event.id),
    );
    expect(deliveredIds.sort()).toEqual(events.map((event) => event.id).sort());
    expect(deliveries.every((delivery) => delivery.signatureValid)).toBe(true);
    // A tampered body or a wrong secret does not verify.
    expect(verifyWebhookSignature(SECRET, undefined, delivered[0]!.body, Math.floor(Date.now() / 1000))).toBe(false);
    expect(verifyWebhookSignature('another-secret-entirely', 't=1,v1=' + '0'.repeat(64), delivered[0]!.body, 1)).toBe(false);
  });

  it('records a conversion the store reports against the reorder ref, once', async () => {
    const report = { ref: 'ref-123', orderId: 'order-9', items: [{ partNumber: 'TS-805XL-C', quantity: 2 }] };
    const first = await fetch(`${server.url}/v1/conversions`, { method: 'POST', headers: admin, body: JSON.stringify(report) });
    expect(await first.json()).toEqual({ status: 'recorded' });
    const second = await fetch(`${server.url}/v1/conversions`, { method: 'POST', headers: admin, body: JSON.stringify(report) });
    expect(await second.json()).toEqual({ status: 'duplicate' });
    const unknown = await fetch(`${server.url}/v1/conversions`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ ...report, ref: 'nope' }),
    });
    expect(unknown.status).toBe(404);
    const stats = (await (await fetch(`${server.url}/v1/admin/stats/crm-campaign`, { headers: admin })).json()) as CampaignStats;
    expect(stats.total).toMatchObject({ impressions: 1, reorders: 1, reorderedItems: 2, conversions: 1 });

    const out: string[] = [];
    const code = await runAdminCli(['stats', 'crm-campaign', '--server', server.url], {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN },
      cwd: process.cwd(),
      fetch,
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    expect(code).toBe(0);
    const table = out.join('\n').split('\n');
    expect(table.find((line) => line.startsWith('variant'))).toMatch(/^variant\s+weight\s+impr\.\s+reach\s+opens\s+clicks\s+CTR/);
    // The variant row and the total row: 1 impression, 1 reorder of 2 items, 1 conversion.
    expect(table.filter((line) => /^(a|\(all\))\s/.test(line))).toHaveLength(2);
    expect(table.find((line) => line.startsWith('(all)'))).toMatch(/\(all\)\s+–\s+1\s+1\s+0\s+0\s+0\.0 %\s+0\s+0\s+1\s+2\s+1\s/);
  });

  it('imports segments by install id and by customer id (CSV and JSON) into what the device reads', async () => {
    const csv = `install_id,customer_id,segment\n${INSTALL_A},,printer-plus\n${INSTALL_A},,eu-west\n,C-1,loyal\n${INSTALL_B},C-1,loyal\n`;
    const imported = await fetch(`${server.url}/v1/admin/crm/segments`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ format: 'csv', data: csv }),
    });
    expect(await imported.json()).toEqual({ rows: 4, keys: 2, memberships: 3, links: 1 });
    const read = async (installId: string) =>
      (
        (await (
          await fetch(`${server.url}/v1/segments/${installId}`, { headers: await testInstallHeaders(server.url, installId) })
        ).json()) as { segments: string[] }
      ).segments;
    expect(await read(INSTALL_A)).toEqual(['eu-west', 'printer-plus']);
    expect(await read(INSTALL_B)).toEqual(['loyal']);

    // A later JSON import replaces what an install had.
    const json = await fetch(`${server.url}/v1/admin/crm/segments`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ format: 'json', rows: [{ installId: INSTALL_A, segments: ['subscriber'] }] }),
    });
    expect(json.status).toBe(200);
    expect(await read(INSTALL_A)).toEqual(['subscriber']);

    const bad = await fetch(`${server.url}/v1/admin/crm/segments`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ format: 'csv', data: 'install_id,segment\nnot-a-uuid,x\n' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/line 2\.installId/);
    expect(await read(INSTALL_A)).toEqual(['subscriber']);
  });
});
