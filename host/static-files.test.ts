// The panel as a browser downloads it from the Node host: compressed by what the browser accepts,
// content-hashed assets cached for a year, the page itself (with this launch's socket secret)
// revalidated on every load.
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import { createCore, type Core } from '../core/core.js';
import { memorySettingsStorage } from '../core/settings-service.js';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { startNodeHost, type NodeHost } from './node-host.js';
import { negotiateEncoding } from './static-files.js';

const HASHED = '/assets/index-CY6MHkZu.js';
// Like a real bundle: repetitive text (compresses well) with some noise in it.
const script = Array.from(
  { length: 2000 },
  (_, index) => `export const value${index} = ${JSON.stringify(randomBytes(4).toString('hex'))};`,
).join('\n');

let dir: string;
let core: Core;
let host: NodeHost;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-static-'));
  await mkdir(join(dir, 'renderer/assets'), { recursive: true });
  await writeFile(join(dir, 'renderer/index.html'), `<html><head><script type="module" src=".${HASHED}"></script></head></html>`);
  await writeFile(join(dir, `renderer${HASHED}`), script);
  await writeFile(join(dir, 'renderer/assets/logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, 'bridge.js'), 'window.trayside = {}');
  core = createCore({
    appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: systemClock })])],
    settingsStorage: memorySettingsStorage(),
    clock: systemClock,
    timers: systemTimers,
    log: () => undefined,
  });
  await core.start();
  host = await startNodeHost({ core, rendererDir: join(dir, 'renderer'), bridgeScript: join(dir, 'bridge.js'), port: 0 });
});

afterEach(async () => {
  await host.close();
  core.dispose();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes on the wire, not decompressed. */
  raw: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the panel script (a content-hashed asset)', () => {
  it('comes brotli-compressed to a browser that accepts it, cached for a year, and decompresses to the file', async () => {
    const answer = await get(HASHED, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(answer.headers['content-length'])).toBe(answer.raw.length);
    expect(answer.raw.length).toBeLessThan(Buffer.byteLength(script) / 2);
    expect(brotliDecompressSync(answer.raw).toString()).toBe(script);
  });

  it('comes gzip-compressed where brotli is not accepted, and plain where nothing is; always with the same caching', async () => {
    const gzipped = await get(HASHED, { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.raw).toString()).toBe(script);
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const plain = await get(HASHED);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.raw.toString()).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.vary).toBe('Accept-Encoding');
  });

  it('a second request gets the same bytes (the compressed copy is kept), HEAD the headers alone', async () => {
    const first = await get(HASHED, { 'accept-encoding': 'br' });
    const second = await get(HASHED, { 'accept-encoding': 'br' });
    expect(second.raw.equals(first.raw)).toBe(true);
    const head = await get(HASHED, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.raw.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(first.raw.length);
  });
});

describe('the page and files whose names do not change', () => {
  it('index.html is compressed too, revalidated on every load, and still carries the socket secret', async () => {
    const answer = await get('/', { 'accept-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['cache-control']).toBe('no-cache');
    const page = gunzipSync(answer.raw).toString();
    expect(page).toMatch(/<meta name="trayside-socket-secret" content="[A-Za-z0-9_-]{43}" \/>/);
    // A module script, so it downloads beside the panel's; placed first, so it runs first and
    // window.trayside exists when the panel starts.
    const bridgeAt = page.indexOf('<script type="module" crossorigin src="/trayside-bridge.js"></script>');
    expect(bridgeAt).toBeGreaterThan(-1);
    expect(bridgeAt).toBeLessThan(page.indexOf('src="./assets/index-CY6MHkZu.js"'));
    // The same secret whichever encoding the page came in.
    const plain = (await get('/index.html')).raw.toString();
    expect(plain).toBe(page);
  });

  it('the bridge script and an unhashed asset are revalidated (no-cache), not kept for a year', async () => {
    expect((await get('/trayside-bridge.js', { 'accept-encoding': 'br' })).headers['cache-control']).toBe('no-cache');
    const svg = await get('/assets/logo.svg', { 'accept-encoding': 'br' });
    expect(svg.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(svg.raw).toString()).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
});

describe('which encoding a browser gets', () => {
  it('follows Accept-Encoding and its q-values', () => {
    expect(negotiateEncoding('gzip, deflate, br')).toBe('br');
    expect(negotiateEncoding('br;q=0, gzip')).toBe('gzip');
    expect(negotiateEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('identity')).toBe('identity');
    expect(negotiateEncoding(undefined)).toBe('identity');
    expect(negotiateEncoding('GZIP')).toBe('gzip');
  });
});
