import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, systemTimers } from '../../../common/lifecycle.js';
import { DurableQueue } from '../../../core/events/durable-queue.js';
import { createUploader } from '../../../core/events/uploader.js';
import { testAuthorization } from '../../support/install-credentials.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const root = resolve(import.meta.dirname, '../../..');
const RUNS = 12;
let server: TestServer;
let dir = '';

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'trayside-crash-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has acknowledged some events, then SIGKILLs it after a random extra moment. */
function runAndKill(path: string, seed: number): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/support/event-queue-child.ts'), path, String(seed % 2 === 0 ? 2048 : 1 << 20)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked: string[] = [];
    let buffer = '';
    let armed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
      // Kill somewhere between the 1st and the ~300th acknowledgement, at a moment the child does not choose.
      if (!armed && acked.length > 0) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 150));
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      // Lines the child printed before dying still count: each was printed after its fsync.
      for (const line of buffer.split('\n')) if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (signal !== 'SIGKILL') reject(new Error(`child ended with ${signal ?? 'no signal'}`));
      else resolvePromise(acked);
    });
  });
}

describe('durable event queue under SIGKILL', () => {
  it(`delivers every acknowledged event exactly once after ${RUNS} kills`, { timeout: 180_000 }, async () => {
    const path = join(dir, 'events.log');
    const acknowledged = new Set<string>();
    let duplicates = 0;
    let requests = 0;
    const countingFetch = async (
      url: string,
      init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
    ): Promise<Response> => {
      requests += 1;
      const response = await fetch(url, init);
      const copy = response.clone();
      if (copy.ok) duplicates += ((await copy.json()) as { duplicates: number }).duplicates;
      return response;
    };
    for (let run = 0; run < RUNS; run += 1) {
      for (const id of await runAndKill(path, run)) acknowledged.add(id);
      // Every other restart uploads part of what is waiting, so kills also land after acknowledgements and compactions.
      if (run % 2 === 1) {
        const queue = await DurableQueue.open(path);
        const uploader = createUploader({
          queue,
          endpoint: `${server.url}/v1/events`,
          installId: '3f0e9c9a-8b7d-4c1e-9a55-2b1f3c4d5e6f',
          authorization: testAuthorization(server.url, '3f0e9c9a-8b7d-4c1e-9a55-2b1f3c4d5e6f'),
          consent: () => 'anonymous-usage',
          fetch: countingFetch,
          clock: systemClock,
          timers: systemTimers,
          batchEvents: 100,
        });
        await uploader.flush();
        uploader.dispose();
        await queue.close();
      }
    }

    const queue = await DurableQueue.open(path);
    const uploader = createUploader({
      queue,
      endpoint: `${server.url}/v1/events`,
      installId: '3f0e9c9a-8b7d-4c1e-9a55-2b1f3c4d5e6f',
      authorization: testAuthorization(server.url, '3f0e9c9a-8b7d-4c1e-9a55-2b1f3c4d5e6f'),
      consent: () => 'anonymous-usage',
      fetch: countingFetch,
      clock: systemClock,
      timers: systemTimers,
    });
    const result = await uploader.flush();
    uploader.dispose();
    expect(result.stopped).toBeUndefined();
    expect(queue.size).toBe(0);
    await queue.close();

    const ids = [...acknowledged];
    expect(ids.length).toBeGreaterThan(RUNS);
    const stored = await server.store.analytics.storedIds(ids);
    const missing = ids.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    // No event went up twice: the queue never re-sent an acknowledged batch, so the server saw no repeat.
    expect(duplicates).toBe(0);
    // And nothing but the child's events is stored (unacknowledged-but-written ones may be there too).
    expect(await server.store.analytics.totalEvents()).toBeGreaterThanOrEqual(ids.length);
    expect(requests).toBeGreaterThan(0);
  });
});
