// "Sent recently" across restarts, against a real HTTP server on loopback: the last 20 requests
// are kept in a file, read back newest first after a restart, and a damaged file costs only its
// damaged lines — never a request, never the process.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import type { CoreFetch } from '../core.js';
import { recordSentRequests } from './sent-requests.js';

const tempDir = tempDirs();
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    response.statusCode = request.url === '/v1/missing' ? 404 : 200;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const realFetch: CoreFetch = (url, init) => fetch(url, init);
const post = (sent: ReturnType<typeof recordSentRequests>, path: string, body: string) =>
  sent.fetch(`${base}${path}`, { method: 'POST', headers: { authorization: 'Bearer secret' }, body, signal: AbortSignal.timeout(5000) });

describe('Sent recently, kept across restarts', () => {
  it('lists the last 20 requests again after a restart, newest first, with their answers and without headers', async () => {
    const path = join(tempDir('trayside-sent-'), 'preferences', 'sent-requests.jsonl');
    let clock = 1_000;
    const first = recordSentRequests(realFetch, () => (clock += 1), { path, log: () => undefined });
    for (let index = 0; index < 24; index += 1) await post(first, '/v1/events', JSON.stringify({ index }));
    await post(first, '/v1/missing', '{"last":true}');
    await first.flushed();

    const logs: string[] = [];
    const second = recordSentRequests(realFetch, () => (clock += 1), { path, log: (line) => logs.push(line) });
    const recent = second.recent();
    expect(recent).toHaveLength(20);
    expect(recent[0]).toEqual({ at: 1_025, destination: `POST ${base}/v1/missing`, status: 404, body: '{"last":true}' });
    expect(recent[1]).toMatchObject({ destination: `POST ${base}/v1/events`, status: 200, body: '{"index":23}' });
    expect(recent[19]).toMatchObject({ body: '{"index":5}' });
    expect(readFileSync(path, 'utf8')).not.toContain('secret');
    expect(logs).toEqual([]);
  });

  it('a damaged file loses only its damaged lines, and the next request writes it whole again', async () => {
    const dir = join(tempDir('trayside-sent-damaged-'), 'preferences');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'sent-requests.jsonl');
    const ledger = join(dir, 'consent-ledger.jsonl');
    writeFileSync(ledger, '{"kept":"as it was"}\n');
    const good = (at: number) => JSON.stringify({ at, destination: `POST ${base}/v1/events`, status: 200, body: '{}' });
    writeFileSync(path, [good(30), '{"at": 20, "destin', '["not", "a", "request"]', good(10), '\u0000\u0000'].join('\n'));

    const logs: string[] = [];
    const sent = recordSentRequests(realFetch, () => 40, { path, log: (line) => logs.push(line) });
    expect(sent.recent().map((entry) => entry.at)).toEqual([30, 10]);
    expect(logs).toEqual([expect.stringContaining('left out 3 damaged line(s)')]);

    await post(sent, '/v1/events', '{}');
    await sent.flushed();
    const again = recordSentRequests(realFetch, () => 50, { path, log: (line) => logs.push(line) });
    expect(again.recent().map((entry) => entry.at)).toEqual([40, 30, 10]);
    expect(logs).toHaveLength(1);
    expect(readFileSync(ledger, 'utf8')).toBe('{"kept":"as it was"}\n');
  });

  it('a file that cannot be read or written leaves the list in memory, and requests still go out', async () => {
    const path = tempDir('trayside-sent-unreadable-');
    const logs: string[] = [];
    // A folder where the file should be: reading and replacing it both fail.
    const sent = recordSentRequests(realFetch, () => 1, { path, log: (line) => logs.push(line) });
    expect(sent.recent()).toEqual([]);
    const response = await post(sent, '/v1/events', '{}');
    expect(response.status).toBe(200);
    await sent.flushed();
    expect(sent.recent()).toHaveLength(1);
    expect(logs).toEqual([
      expect.stringContaining('"Sent recently" starts empty'),
      expect.stringContaining('could not save "Sent recently"'),
    ]);
  });

  it("a request that answers after the app began closing is listed but not written: the folder is the host's to remove", async () => {
    const path = join(tempDir('trayside-sent-closing-'), 'preferences', 'sent-requests.jsonl');
    const sent = recordSentRequests(realFetch, () => 1, { path, log: () => undefined });
    await post(sent, '/v1/events', '{"before":true}');
    await sent.closed();
    const before = readFileSync(path, 'utf8');
    let answer = (): void => undefined;
    const slow: CoreFetch = async () => {
      await new Promise<void>((resolve) => (answer = resolve));
      throw new Error('the app is closing');
    };
    const closing = recordSentRequests(slow, () => 2, { path, log: () => undefined });
    const late = closing.fetch(`${base}/v1/manifests`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5000) });
    closing.dispose();
    answer();
    await expect(late).rejects.toThrow('the app is closing');
    await closing.closed();
    expect(closing.recent()[0]).toMatchObject({ destination: `GET ${base}/v1/manifests`, status: null });
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});
