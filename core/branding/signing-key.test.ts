import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrandingSchema, type Branding } from '../../common/branding.js';
import { makeTestKey } from '../../test/support/manifests.js';
import type { SigningKeySource } from '../messages/signing-key-source.js';
import { PLACEHOLDER_KEY, planSigningKey } from './signing-key.js';

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

function plan(b: Branding, allowLoopbackKeyFetch: boolean) {
  const log: string[] = [];
  const result = planSigningKey(b, { allowLoopbackKeyFetch, fetch: (url, init) => fetch(url, init), log: (line) => log.push(line) });
  return { result, log };
}

/** A port on 127.0.0.1 that nothing listens on (yet). */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  return port;
}

const ask = (source: SigningKeySource) => source(new AbortController().signal);

describe('signing key', () => {
  it('uses a pinned key as is and asks no server', () => {
    const before = keyRequests;
    const { result } = plan(branding({ signingKeys: [key.publicKeyBase64, PLACEHOLDER_KEY] }), true);
    expect(result).toEqual({ kind: 'pinned', branding: expect.objectContaining({ signingKeys: [key.publicKeyBase64] }) });
    expect(keyRequests).toBe(before);
  });

  it('development (Node host, unpackaged Electron): the placeholder reads the key of a server on 127.0.0.1', async () => {
    const { result, log } = plan(branding({}), true);
    if (result.kind !== 'fetch') throw new Error(`expected a key fetch, got ${result.kind}`);
    expect(await ask(result.source)).toEqual({ kind: 'keys', keys: [key.publicKeyBase64] });
    expect(log.join('\n')).toContain('using the signing key of the local server');
  });

  it('a packaged app with the placeholder key: messages off, no request, the log says how to pin it', () => {
    const before = keyRequests;
    const { result, log } = plan(branding({}), false);
    expect(result).toEqual({ kind: 'off' });
    expect(keyRequests).toBe(before);
    expect(log).toEqual([expect.stringContaining('npm run admin -- public-key')]);
  });

  it('never trusts a key fetched from a remote backend', () => {
    const { result, log } = plan(branding({ backendUrl: 'https://messages.example.com' }), true);
    expect(result).toEqual({ kind: 'off' });
    expect(log[0]).toContain('pin the backend');
  });

  it('no local server yet: unreachable in words, one log line; once it runs on that port the next ask gets the key (no restart)', async () => {
    const port = await closedPort();
    const { result, log } = plan(branding({ backendUrl: `http://127.0.0.1:${port}` }), true);
    if (result.kind !== 'fetch') throw new Error(`expected a key fetch, got ${result.kind}`);
    expect(await ask(result.source)).toEqual({ kind: 'unreachable', reason: 'nothing is listening there (connection refused)' });
    expect(await ask(result.source)).toMatchObject({ kind: 'unreachable' });
    // The same reason twice is logged once: a retry every poll stays quiet.
    expect(log).toEqual([
      expect.stringMatching(/could not read the signing key of the local server .*connection refused.*asking again.*npm run server/),
    ]);
    const late = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyBase64, publicKeyPem: '' }));
    });
    await new Promise<void>((done) => late.listen(port, '127.0.0.1', done));
    try {
      expect(await ask(result.source)).toEqual({ kind: 'keys', keys: [key.publicKeyBase64] });
    } finally {
      await new Promise((done) => late.close(done));
    }
  });

  it('a server that answers without a key: unavailable, with what it answered', async () => {
    const notKey = createServer((_request, response) => void response.writeHead(404).end());
    await new Promise<void>((done) => notKey.listen(0, '127.0.0.1', done));
    try {
      const other = plan(branding({ backendUrl: `http://127.0.0.1:${(notKey.address() as AddressInfo).port}` }), true).result;
      if (other.kind !== 'fetch') throw new Error('expected a key fetch');
      expect(await ask(other.source)).toEqual({ kind: 'unavailable', reason: 'it answered 404 to GET /v1/signing-key' });
    } finally {
      await new Promise((done) => notKey.close(done));
    }
  });
});
