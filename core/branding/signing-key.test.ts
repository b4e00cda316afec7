import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrandingSchema, type Branding } from '../../common/branding.js';
import { makeTestKey } from '../../test/support/manifests.js';
import { PLACEHOLDER_KEY, resolveSigningKey } from './signing-key.js';

const key = makeTestKey();
let server: Server;
let local = '';
let keyRequests = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url !== '/v1/signing-key') return void response.writeHead(404).end();
    keyRequests += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyBase64, publicKeyPem: '' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const branding = (overrides: Partial<Branding>): Branding =>
  BrandingSchema.parse({ name: 'Trayside', backendUrl: local, signingKeys: [PLACEHOLDER_KEY], productLine: 'trayside-demo', ...overrides });

async function resolve(b: Branding, allowLoopbackKeyFetch: boolean) {
  const log: string[] = [];
  const result = await resolveSigningKey(b, { allowLoopbackKeyFetch, fetch: (url, init) => fetch(url, init), log: (line) => log.push(line) });
  return { result, log };
}

describe('signing key at start', () => {
  it('uses a pinned key as is and asks no server', async () => {
    const before = keyRequests;
    const { result } = await resolve(branding({ signingKeys: [key.publicKeyBase64, PLACEHOLDER_KEY] }), true);
    expect(result?.signingKeys).toEqual([key.publicKeyBase64]);
    expect(keyRequests).toBe(before);
  });

  it('development (Node host, unpackaged Electron): the placeholder reads the key of a server on 127.0.0.1', async () => {
    const { result, log } = await resolve(branding({}), true);
    expect(result?.signingKeys).toEqual([key.publicKeyBase64]);
    expect(log.join('\n')).toContain('using the signing key of the local server');
  });

  it('a packaged app with the placeholder key: messages off, no request, the log says how to pin it', async () => {
    const before = keyRequests;
    const { result, log } = await resolve(branding({}), false);
    expect(result).toBeNull();
    expect(keyRequests).toBe(before);
    expect(log).toEqual([expect.stringContaining('npm run admin -- public-key')]);
  });

  it('never trusts a key fetched from a remote backend', async () => {
    const { result, log } = await resolve(branding({ backendUrl: 'https://messages.example.com' }), true);
    expect(result).toBeNull();
    expect(log[0]).toContain('pin the backend');
  });

  it('no local server running: messages off with one line saying to start it', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const { result, log } = await resolve(branding({ backendUrl: `http://127.0.0.1:${port}` }), true);
    expect(result).toBeNull();
    expect(log).toEqual([expect.stringMatching(/could not read the signing key of the local server .*ECONNREFUSED.*npm run server/)]);
  });
});
