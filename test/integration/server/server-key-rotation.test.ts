import { spawn } from 'node:child_process';
import { randomUUID, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeviceEvent } from '../../../common/events.js';
import { SignedEnvelopeSchema, SigningKeyInfoSchema } from '../../../common/messages/index.js';
import { generateSigningKey, publicKeyFromRaw, signingKeyToPem } from '../../../server/signing.js';
import { startServer, type StartedServer } from '../../../server/start-server.js';
import { verifyWebhookSignature } from '../../../server/crm/webhook.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const tempDir = tempDirs();

/** Replaces the key file the way a deploy does: write beside it, then rename over it. */
async function replaceKeyFile(file: string, text: string): Promise<void> {
  await writeFile(`${file}.new`, text, { mode: 0o600 });
  await rename(`${file}.new`, file);
}

/** Polls a manifest and checks its signature against the key the server publishes now. */
async function pollVerified(url: string): Promise<{ keyId: string; etag: string | null; verified: boolean }> {
  const key = SigningKeyInfoSchema.parse(await (await fetch(`${url}/v1/signing-key`)).json());
  const response = await fetch(`${url}/v1/manifests/trayside-demo/en`);
  const envelope = SignedEnvelopeSchema.parse(await response.json());
  const verified = verify(
    null,
    Buffer.from(envelope.payload, 'utf8'),
    publicKeyFromRaw(key.publicKey),
    Buffer.from(envelope.signature, 'base64'),
  );
  expect(envelope.keyId).toBe(key.keyId);
  return { keyId: envelope.keyId, etag: response.headers.get('etag'), verified };
}

describe('signing key file', () => {
  let server: TestServer;
  let file: string;
  const first = generateSigningKey();
  const second = generateSigningKey();
  const logged: string[] = [];

  beforeAll(async () => {
    file = path.join(tempDir('trayside-key-'), 'signing-key.pem');
    await writeFile(file, signingKeyToPem(first), { mode: 0o600 });
    server = await startTestServer({ signingKeyFile: file, signingKeyCheckMs: 50, logLevel: 'warn' });
    server.app.log.warn = ((message: string) => void logged.push(String(message))) as typeof server.app.log.warn;
  });
  afterAll(() => server?.close());

  it('signs with the key in the file, and a rotated file is used without a restart; a bad file changes nothing', async () => {
    const before = await pollVerified(server.url);
    expect(before).toMatchObject({ keyId: first.keyId, verified: true });

    // A half-written or wrong file: logged, ignored, polls keep being signed with the old key.
    await replaceKeyFile(file, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    await vi.waitFor(
      () =>
        expect(logged.join('\n')).toMatch(
          /signing key file .*signing-key\.pem: not a PEM private key .*openssl genpkey .*still signing with keyId/,
        ),
      { timeout: 5000 },
    );
    expect(await pollVerified(server.url)).toMatchObject({ keyId: first.keyId, verified: true, etag: before.etag });

    await replaceKeyFile(file, signingKeyToPem(second));
    await vi.waitFor(async () => expect((await pollVerified(server.url)).keyId).toBe(second.keyId), { timeout: 5000 });
    const after = await pollVerified(server.url);
    expect(after.verified).toBe(true);
    // A new key is new content for the fleet: the ETag changes, so every install fetches the re-signed copy.
    expect(after.etag).not.toBe(before.etag);
    expect(logged.join('\n')).toContain(`signing key rotated: keyId ${first.keyId} → ${second.keyId}`);
  });

  it('refuses to start on a key file that is not an Ed25519 key, naming the file and the fix', async () => {
    const bad = path.join(tempDir('trayside-key-'), 'rsa.pem');
    await writeFile(bad, 'hello');
    await expect(startTestServer({ signingKeyFile: bad })).rejects.toThrow(
      /signing key file .*rsa\.pem: not a PEM private key.*openssl genpkey -algorithm ed25519/,
    );
  });
});

describe('npm run server: key file and CRM webhook flags', () => {
  it(
    '--help names --signing-key, --crm-webhook, --export-dir and --event-retention-days; a webhook without its secret or a retention of 0 days is a usage error (exit 2)',
    { timeout: 60_000 },
    async () => {
      const run = (args: string[], env: Record<string, string> = {}) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [tsxCli, 'server/cli.ts', ...args], {
            cwd: root,
            env: { ...process.env, DATABASE_URL: '', TRAYSIDE_CRM_WEBHOOK_SECRET: '', ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.once('close', (code) => resolve({ code, out }));
        });
      const help = await run(['--help']);
      expect(help.out).toMatch(
        /--signing-key FILE[\s\S]*TRAYSIDE_SIGNING_KEY_FILE[\s\S]*--crm-webhook URL[\s\S]*TRAYSIDE_CRM_WEBHOOK_SECRET/,
      );
      const noSecret = await run(['--crm-webhook', 'http://127.0.0.1:9/hook', '--data-dir', tempDir('trayside-cli-')]);
      expect(noSecret.code).toBe(2);
      expect(noSecret.out).toContain('--crm-webhook needs its shared secret in env TRAYSIDE_CRM_WEBHOOK_SECRET');
      const badRetention = await run(['--event-retention-days', '0', '--data-dir', tempDir('trayside-cli-')]);
      expect(badRetention.code).toBe(2);
      expect(badRetention.out).toContain('--event-retention-days must be a whole number of days, 1 or more, not "0"');
      expect(help.out).toMatch(/--export-dir DIR[\s\S]*--event-retention-days N/);
    },
  );

  it('a server started with a CRM webhook pushes stored events to it, signed', { timeout: 60_000 }, async () => {
    const secret = 'a-shared-secret-of-some-length';
    const received: { ok: boolean; ids: string[] }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const header = request.headers['x-trayside-signature'];
        const ok = verifyWebhookSignature(secret, typeof header === 'string' ? header : undefined, body, Math.floor(Date.now() / 1000));
        received.push({ ok, ids: (JSON.parse(body) as { events: { id: string }[] }).events.map((event) => event.id) });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    let server: StartedServer | undefined;
    try {
      server = await startServer({
        host: '127.0.0.1',
        port: 0,
        dataDir: tempDir('trayside-crm-'),
        demoDir: null,
        logLevel: 'silent',
        crmWebhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret },
      });
      const id = randomUUID();
      const event: DeviceEvent = { id, type: 'impression', campaignId: 'c1', variantId: 'a', at: new Date().toISOString() };
      await server.store.analytics.insertEvents(randomUUID(), 'anonymous-usage', [event], new Date(), { outbox: true });
      await vi.waitFor(() => expect(received.flatMap((delivery) => delivery.ids)).toContain(id), { timeout: 20_000 });
      expect(received.every((delivery) => delivery.ok)).toBe(true);
    } finally {
      await server?.close();
      receiver.close();
    }
  });
});
