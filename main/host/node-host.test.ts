import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { createCore, type Core } from '../core/core.js';
import { memorySettingsStorage } from '../core/settings-service.js';
import { startNodeHost, type NodeHost } from './node-host.js';

let core: Core;
let host: NodeHost;
let dir: string;

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
  host = await startNodeHost({ core, rendererDir: join(dir, 'renderer'), bridgeScript: join(dir, 'bridge.js'), port: 0 });
});

afterEach(async () => {
  await host.close();
  core.dispose();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/contract`, { origin });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextFrame(socket: WebSocket, match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (match(frame)) {
        socket.off('message', onMessage);
        resolve(frame);
      }
    };
    socket.on('message', onMessage);
  });
}

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

  it('refuses WebSocket connections from other origins', async () => {
    await expect(connect('https://evil.example')).rejects.toThrow();
    await expect(connect('null')).rejects.toThrow();
  });

  it('answers contract calls and forwards events over the WebSocket', async () => {
    const socket = await connect(`http://127.0.0.1:${host.port}`);
    const answer = nextFrame(socket, (frame) => frame.type === 'result' && frame.id === 7);
    socket.send(JSON.stringify({ type: 'call', id: 7, channel: 'trayside:app.getInfo' }));
    expect(await answer).toMatchObject({ envelope: { ok: true, value: { name: 'Trayside', host: 'node' } } });

    const event = nextFrame(socket, (frame) => frame.type === 'event' && frame.channel === 'trayside:settings.onChanged');
    socket.send(JSON.stringify({ type: 'call', id: 8, channel: 'trayside:settings.update', input: { launchAtLogin: false } }));
    expect(await event).toMatchObject({ payload: { launchAtLogin: false } });
    socket.close();
  });

  it('drops malformed frames and keeps serving', async () => {
    const socket = await connect(`http://localhost:${host.port}`.replace('localhost', '127.0.0.1'));
    socket.send('not json');
    socket.send(JSON.stringify({ type: 'call', id: -1, channel: 'x' }));
    socket.send(JSON.stringify({ type: 'call', id: 1, channel: 'trayside:devices.refresh', input: { deviceId: 5 } }));
    const answer = await nextFrame(socket, (frame) => frame.type === 'result' && frame.id === 1);
    expect(answer).toMatchObject({ envelope: { ok: false, error: { code: 'invalid-input' } } });
    socket.close();
  });
});
