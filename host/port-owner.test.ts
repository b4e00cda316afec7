import { mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import { createCore, type Core } from '../core/core.js';
import { memorySettingsStorage } from '../core/settings-service.js';
import { tempDirs } from '../test/support/temp-dirs.js';
import { PortInUseError, startNodeHost, type NodeHost } from './node-host.js';
import { describeTakenPort, portIsFree } from './port-owner.js';

const tempDir = tempDirs();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  // fetch keeps its connection alive; close() would wait for it.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanup.push(
    () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** A real Node host over a core without devices, on a free port. */
async function traysideHost(port = 0): Promise<{ core: Core; start: () => Promise<NodeHost> }> {
  const dir = tempDir('trayside-port-owner-');
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer/index.html'), '<html><head><script type="module" src="./app.js"></script></head></html>');
  await writeFile(join(dir, 'bridge.js'), 'window.trayside = {}');
  const core = createCore({
    appInfo: { name: 'Trayside', version: '0.0.0-test', host: 'node', platform: 'linux' },
    sources: [],
    settingsStorage: memorySettingsStorage(),
    clock: systemClock,
    timers: systemTimers,
    log: () => undefined,
  });
  cleanup.push(() => core.dispose());
  const start = async () => {
    const host = await startNodeHost({ core, rendererDir: join(dir, 'renderer'), bridgeScript: join(dir, 'bridge.js'), port });
    cleanup.push(() => host.close());
    return host;
  };
  return { core, start };
}

describe('who holds the port', () => {
  it('a running Trayside host: "already running at" its URL', async () => {
    const host = await (await traysideHost()).start();
    expect(await portIsFree(host.port)).toBe(false);
    expect(await describeTakenPort(host.port)).toBe(
      `Trayside is already running at http://127.0.0.1:${host.port}/ — open that, or start another with --port 0`,
    );
  });

  it('a web server that is not Trayside, and a program that does not speak HTTP: "taken by another program"', async () => {
    const web = await listen(createHttpServer((_request, response) => response.writeHead(404).end()));
    const silent = await listen(createServer((socket) => socket.on('error', () => undefined)));
    for (const port of [web, silent])
      expect(await describeTakenPort(port)).toMatch(
        new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is taken by another program — .*--port 0`),
      );
  });

  it('a free port is free', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise<void>((done) => probe.close(() => done()));
    expect(await portIsFree(port)).toBe(true);
  });

  it('startNodeHost on a taken port rejects with PortInUseError naming the port (no unhandled error event)', async () => {
    const taken = await listen(createServer());
    const { start } = await traysideHost(taken);
    const failure = await start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PortInUseError);
    expect(failure).toMatchObject({ port: taken });
  });
});
