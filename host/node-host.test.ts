import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SimulatedPrinter } from '../native/simulated/printer.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import { createCore, type Core } from '../core/core.js';
import { memorySettingsStorage } from '../core/settings-service.js';
import { startNodeHost, type NodeHost } from './node-host.js';

let core: Core;
let host: NodeHost;
let dir: string;
let hostLog: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-host-'));
  await mkdir(join(dir, 'renderer/assets'), { recursive: true });
  await writeFile(join(dir, 'renderer/index.html'), '<html><head><script type="module" src="./assets/app.js"></script></head></html>');
  await writeFile(join(dir, 'renderer/assets/app.js'), 'console.log("panel")');
  await writeFile(join(dir, 'secret.txt'), 'not for the browser');
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
  hostLog = [];
  host = await startNodeHost({
    core,
    rendererDir: join(dir, 'renderer'),
    bridgeScript: join(dir, 'bridge.js'),
    port: 0,
    log: (line) => hostLog.push(line),
  });
});

afterEach(async () => {
  await host.close();
  core.dispose();
  await rm(dir, { recursive: true, force: true });
});

function get(
  path: string,
  headers: Record<string, string> = {},
  port = host.port,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The socket secret, read the way the bridge reads it: from the page the host served. */
async function pageSecret(port = host.port): Promise<string> {
  const secret = /<meta name="trayside-socket-secret" content="([^"]+)"/.exec((await get('/', {}, port)).body)?.[1];
  if (!secret) throw new Error('the served page carries no socket secret');
  return secret;
}

/** Subprotocols as the bridge offers them; `secret` undefined reads the page's. */
async function bridgeProtocols(secret?: string, port = host.port): Promise<string[]> {
  return ['trayside.contract.v1', `trayside.secret.${secret ?? (await pageSecret(port))}`];
}

async function connect(origin?: string, protocols?: string[], port = host.port): Promise<WebSocket> {
  const offered = protocols ?? (await bridgeProtocols(undefined, port));
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/contract`, offered, { origin: origin ?? `http://127.0.0.1:${port}` });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The first frame that matches; fails after `ms` so a silent host shows as a failure, not a hang. */
function nextFrame(socket: WebSocket, match: (frame: Record<string, unknown>) => boolean, ms = 3_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error(`no matching frame within ${ms} ms`));
    }, ms);
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (match(frame)) {
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(frame);
      }
    };
    socket.on('message', onMessage);
  });
}

let nextCallId = 100;
/** One getInfo round trip: proves a socket is still served. */
async function askInfo(socket: WebSocket): Promise<Record<string, unknown>> {
  const id = nextCallId++;
  const answer = nextFrame(socket, (frame) => frame.type === 'result' && frame.id === id);
  socket.send(JSON.stringify({ type: 'call', id, channel: 'trayside:app.getInfo' }));
  return answer;
}

/** A WebSocket client written by hand over TCP, so it can send what no library would. */
interface RawClient {
  readonly status: number;
  readonly headers: string;
  readonly socket: Socket;
  /** The code of the close frame the host sends, or undefined if the socket ends without one. */
  readonly closeCode: Promise<number | undefined>;
}

/** Opens the contract socket by hand; without `Origin` in `headers` it sends the page's origin and secret. */
async function rawUpgrade(headers: Record<string, string> = {}, port = host.port): Promise<RawClient> {
  const sent =
    'Origin' in headers
      ? headers
      : { Origin: `http://127.0.0.1:${port}`, 'Sec-WebSocket-Protocol': (await bridgeProtocols(undefined, port)).join(', ') };
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    // Writes after the host closed may fail with EPIPE or ECONNRESET; that is the host doing its job.
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let handshakeDone = false;
    let settleClose: (code: number | undefined) => void = () => undefined;
    const closeCode = new Promise<number | undefined>((done) => (settleClose = done));
    socket.on('close', () => {
      settleClose(undefined);
      if (!handshakeDone) reject(new Error(`the host closed the connection before answering: ${buffered.toString()}`));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!handshakeDone) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        handshakeDone = true;
        const head = buffered.subarray(0, end).toString();
        buffered = buffered.subarray(end + 4);
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, socket, closeCode });
      }
      // Server frames are unmasked; a close frame's payload is short, so its length fits in 7 bits.
      while (buffered.length >= 2) {
        const length = buffered[1]! & 0x7f;
        if (length >= 126 || buffered.length < 2 + length) return;
        if ((buffered[0]! & 0x0f) === 0x8) settleClose(length >= 2 ? buffered.readUInt16BE(2) : undefined);
        buffered = buffered.subarray(2 + length);
      }
    });
    const lines = [
      'GET /contract HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(sent).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** Hand-built client frame; `claimedLength` puts a length in the header that the payload does not have. */
function frame(options: {
  opcode?: number;
  rsv?: number;
  fin?: boolean;
  masked?: boolean;
  payload?: Buffer;
  claimedLength?: bigint;
}): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const length = options.claimedLength ?? BigInt(payload.length);
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (options.opcode ?? 0x1);
  const maskBit = (options.masked ?? true) ? 0x80 : 0;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, maskBit | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.from([first, maskBit | 126, 0, 0]);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!(options.masked ?? true)) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  return Buffer.concat([header, key, payload.map((byte, index) => byte ^ key[index % 4]!)]);
}

/** The same host as in beforeEach, but in its own Node process, so a crash shows as a dead process. */
function startChildHost(): { child: ChildProcess; port: Promise<number>; output: () => string } {
  const module = (path: string): string => JSON.stringify(pathToFileURL(resolvePath(import.meta.dirname, path)).href);
  const script = `
    const { SimulatedPrinter } = await import(${module('../native/simulated/printer.ts')});
    const { SimulatedSource } = await import(${module('../native/simulated/simulated-source.ts')});
    const { systemClock, systemTimers } = await import(${module('../common/lifecycle.ts')});
    const { createCore } = await import(${module('../core/core.ts')});
    const { memorySettingsStorage } = await import(${module('../core/settings-service.ts')});
    const { startNodeHost } = await import(${module('./node-host.ts')});
    const core = createCore({
      appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'node', platform: 'linux' },
      sources: [new SimulatedSource([new SimulatedPrinter({ clock: systemClock })])],
      settingsStorage: memorySettingsStorage(), clock: systemClock, timers: systemTimers, log: () => undefined,
    });
    await core.start();
    const host = await startNodeHost({ core, rendererDir: ${JSON.stringify(join(dir, 'renderer'))}, bridgeScript: ${JSON.stringify(join(dir, 'bridge.js'))}, port: 0 });
    process.stdout.write(host.port + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the host process exited (${code}) before listening: ${output}`)));
  });
  return { child, port, output: () => output };
}

const text = (value: string): Buffer => Buffer.from(value, 'utf8');
const call = text(JSON.stringify({ type: 'call', id: 1, channel: 'trayside:app.getInfo' }));

describe('Node host', () => {
  it('serves the panel with the bridge loaded before the panel code, under a strict CSP', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body.indexOf('/trayside-bridge.js')).toBeLessThan(page.body.indexOf('./assets/app.js'));
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await get('/trayside-bridge.js')).body).toBe('window.trayside = {}');
    expect((await get('/assets/app.js')).status).toBe(200);
  });

  it('refuses paths outside the built panel', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00', '/%E0%A4%A']) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain('not for the browser');
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    expect((await get('/', { Host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('refuses WebSocket connections from other origins, even with the secret', async () => {
    await expect(connect('https://evil.example')).rejects.toThrow('403');
    await expect(connect('null')).rejects.toThrow('403');
  });

  it('answers contract calls and forwards events over the WebSocket', async () => {
    const socket = await connect();
    expect(socket.protocol).toBe('trayside.contract.v1');
    const answer = nextFrame(socket, (frame) => frame.type === 'result' && frame.id === 7);
    socket.send(JSON.stringify({ type: 'call', id: 7, channel: 'trayside:app.getInfo' }));
    expect(await answer).toMatchObject({ envelope: { ok: true, value: { name: 'Trayside', host: 'node' } } });

    const event = nextFrame(socket, (frame) => frame.type === 'event' && frame.channel === 'trayside:settings.onChanged');
    socket.send(JSON.stringify({ type: 'call', id: 8, channel: 'trayside:settings.update', input: { launchAtLogin: false } }));
    expect(await event).toMatchObject({ payload: { launchAtLogin: false } });
    socket.close();
  });

  it('drops malformed frames and keeps serving', async () => {
    const socket = await connect();
    socket.send('not json');
    socket.send(JSON.stringify({ type: 'call', id: -1, channel: 'x' }));
    socket.send(JSON.stringify({ type: 'call', id: 1, channel: 'trayside:devices.refresh', input: { deviceId: 5 } }));
    const answer = await nextFrame(socket, (frame) => frame.type === 'result' && frame.id === 1);
    expect(answer).toMatchObject({ envelope: { ok: false, error: { code: 'invalid-input' } } });
    socket.close();
  });
});

describe('Node host socket bound to the served page', () => {
  it('puts a fresh 256-bit secret into the page on every launch, before the bridge script', async () => {
    const page = (await get('/')).body;
    const secret = await pageSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(page.indexOf('trayside-socket-secret')).toBeLessThan(page.indexOf('/trayside-bridge.js'));

    const second = await startNodeHost({ core, rendererDir: join(dir, 'renderer'), bridgeScript: join(dir, 'bridge.js'), port: 0 });
    try {
      const other = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port: second.port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      expect(other).toContain('trayside-socket-secret');
      expect(other).not.toContain(secret);
    } finally {
      await second.close();
    }
  });

  it('refuses an upgrade with the right Origin but no secret or a wrong one, before the handshake', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const wrong = randomBytes(32).toString('base64url');
    for (const protocols of [undefined, ['trayside.contract.v1'], await bridgeProtocols(wrong), await bridgeProtocols('')]) {
      const attempt = await rawUpgrade({ Origin: origin, ...(protocols ? { 'Sec-WebSocket-Protocol': protocols.join(', ') } : {}) });
      expect(attempt.status, String(protocols)).toBe(401);
      attempt.socket.destroy();
    }
    await expect(connect(origin, await bridgeProtocols(wrong))).rejects.toThrow('401');
    // The page's own secret still opens it, and the answer names only the contract protocol.
    const good = await rawUpgrade({ Origin: origin, 'Sec-WebSocket-Protocol': (await bridgeProtocols()).join(', ') });
    expect(good.status).toBe(101);
    expect(good.headers).toMatch(/^Sec-WebSocket-Protocol: trayside\.contract\.v1$/im);
    good.socket.destroy();
  });
});

describe('Node host under hostile frames', () => {
  const oversized = Buffer.alloc(1024 * 1024 + 1, 0x20);
  const cases: Array<{ what: string; bytes: () => Buffer; code: number }> = [
    { what: 'a frame over the size limit', bytes: () => frame({ payload: oversized }), code: 1009 },
    {
      what: 'a message over the size limit in fragments',
      bytes: () =>
        Buffer.concat([
          frame({ fin: false, payload: oversized.subarray(0, 600_000) }),
          frame({ opcode: 0x0, payload: oversized.subarray(600_000) }),
        ]),
      code: 1009,
    },
    {
      what: 'a header claiming a huge length',
      bytes: () => frame({ claimedLength: 0x7fff_ffff_ffff_ffffn, payload: text('{}') }),
      code: 1009,
    },
    { what: 'invalid UTF-8 in a text frame', bytes: () => frame({ payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), code: 1007 },
    { what: 'a reserved data opcode', bytes: () => frame({ opcode: 0x3, payload: call }), code: 1002 },
    { what: 'a reserved control opcode', bytes: () => frame({ opcode: 0xb }), code: 1002 },
    { what: 'RSV1 set without a negotiated extension', bytes: () => frame({ rsv: 0b100, payload: call }), code: 1002 },
    { what: 'RSV2 and RSV3 set', bytes: () => frame({ rsv: 0b011, payload: call }), code: 1002 },
    { what: 'an unmasked client frame', bytes: () => frame({ masked: false, payload: call }), code: 1002 },
  ];

  for (const { what, bytes, code } of cases) {
    it(`closes only the socket that sent ${what} (close ${code}) and keeps serving`, async () => {
      const bystander = await connect();
      const attacker = await rawUpgrade();
      expect(attacker.status).toBe(101);
      attacker.socket.write(bytes());
      expect(await attacker.closeCode).toBe(code);

      // The other socket, a new one, and HTTP are all still served by the same host.
      expect(await askInfo(bystander)).toMatchObject({ envelope: { ok: true, value: { name: 'Trayside' } } });
      const newcomer = await connect();
      expect(await askInfo(newcomer)).toMatchObject({ envelope: { ok: true } });
      expect((await get('/')).status).toBe(200);
      expect(hostLog.join('\n')).toContain('closed a contract socket after a bad frame');
      attacker.socket.destroy();
      bystander.close();
      newcomer.close();
    });
  }

  it('keeps the host process running after every kind of bad frame, one socket each', async () => {
    const { child, port: listening, output } = startChildHost();
    try {
      const port = await listening;
      for (const { what, bytes, code } of cases) {
        const attacker = await rawUpgrade({}, port).catch((error: unknown) => {
          throw new Error(`before sending ${what}, the host was gone (exit ${child.exitCode}): ${String(error)}\n${output()}`);
        });
        attacker.socket.write(bytes());
        expect(await attacker.closeCode, what).toBe(code);
        attacker.socket.destroy();
      }
      const socket = await connect(undefined, undefined, port);
      expect(await askInfo(socket)).toMatchObject({ envelope: { ok: true, value: { name: 'Trayside' } } });
      socket.close();
      expect((await get('/', {}, port)).status).toBe(200);
      expect(child.exitCode, output()).toBeNull();
    } finally {
      child.kill();
    }
  });

  it('closes a socket that sends binary frames with 1003', async () => {
    const socket = await connect();
    const closed = new Promise<number>((resolve) => socket.once('close', (closeCode) => resolve(closeCode)));
    socket.send(call);
    expect(await closed).toBe(1003);
  });

  it('answers a frame that fails the frame schema with an error under its id, not silence', async () => {
    const socket = await connect();
    const frames = [
      { type: 'call', id: 21, channel: '' },
      { type: 'call', id: 22, channel: 'trayside:app.getInfo', extra: true },
      { type: 'cal', id: 23, channel: 'trayside:app.getInfo' },
      { id: 24 },
    ];
    for (const bad of frames) {
      const answer = nextFrame(socket, (reply) => reply.type === 'result' && reply.id === bad.id);
      socket.send(JSON.stringify(bad));
      expect(await answer, JSON.stringify(bad)).toMatchObject({
        envelope: { ok: false, error: { code: 'invalid-input', message: expect.stringContaining('frame') } },
      });
    }
    // Still the same working socket afterwards.
    expect(await askInfo(socket)).toMatchObject({ envelope: { ok: true } });
    socket.close();
  });
});
