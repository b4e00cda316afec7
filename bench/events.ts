// Events benchmark: how many events per second the server accepts durably (stored, deduplicated,
// committed) when apps upload batches of 100, and how many bytes one event costs on the wire.
// One process, one core: the client loop and the server share it, as on the smallest node.
// Run: npx tsx bench/events.ts [--batches N]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { DeviceEvent } from '../common/events.js';
import { DurableQueue } from '../core/events/durable-queue.js';
import { buildServer } from '../server/app.js';
import { openStore } from '../server/store/open-store.js';

const { values } = parseArgs({ options: { batches: { type: 'string', default: '200' } } });
const batches = Number(values.batches);
const BATCH = 100;

function sampleEvent(index: number): DeviceEvent {
  const base = {
    id: randomUUID(),
    at: new Date().toISOString(),
    campaignId: 'cyan-low-805xl',
    variantId: index % 2 === 0 ? 'control' : 'urgent-copy',
    messageId: 'cyan-low-805xl@3',
  };
  // A realistic mix: mostly impressions and opens, some clicks, a few reorders and ratings.
  switch (index % 10) {
    case 0:
      return { ...base, type: 'click', action: 'reorder' };
    case 1:
      return { ...base, type: 'reorder', items: [{ partNumber: 'TS-805XL-C', quantity: 1 }], region: 'DE', ref: randomUUID() };
    case 2:
      return { ...base, type: 'feedback', feedback: { kind: 'rating', value: 4 } };
    case 3:
    case 4:
      return { ...base, type: 'open' };
    default:
      return { ...base, type: 'impression' };
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'trayside-bench-events-'));
const store = await openStore({ dataDir: join(dataDir, 'pglite') });
const app = await buildServer({ store, logLevel: 'silent', deviceRateLimit: { max: 1_000_000, timeWindowMs: 60_000 } });
await app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/events`;
const installId = randomUUID();

const bodies: string[] = [];
for (let batch = 0; batch < batches; batch += 1) {
  const events = Array.from({ length: BATCH }, (_, index) => sampleEvent(batch * BATCH + index));
  bodies.push(JSON.stringify({ installId, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events }));
}
// Warm-up (JIT, PGlite caches) on a separate set of events.
for (let warm = 0; warm < 10; warm += 1) {
  const events = Array.from({ length: BATCH }, (_, index) => sampleEvent(index));
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ installId, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events }),
  });
}

const started = performance.now();
for (const body of bodies) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-trayside-install': installId },
    body,
  });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}
const seconds = (performance.now() - started) / 1000;
const total = batches * BATCH;

// The same batches again: every event a duplicate (a retry after a lost answer).
const dupStarted = performance.now();
for (const body of bodies.slice(0, Math.min(50, bodies.length)))
  await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).arrayBuffer();
const dupSeconds = (performance.now() - dupStarted) / 1000;

const bodyBytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
const gzipBytes = bodies.slice(0, 20).reduce((sum, body) => sum + gzipSync(body).length, 0);
const stored = await store.analytics.totalEvents();

// The app side: events per second into the fsync'd queue with 50 writers sharing each sync.
const queue = await DurableQueue.open(join(dataDir, 'queue.log'));
const queueEvents = 5000;
const queueStarted = performance.now();
for (let chunk = 0; chunk < queueEvents / 50; chunk += 1)
  await Promise.all(Array.from({ length: 50 }, (_, index) => queue.enqueue(sampleEvent(index))));
const queueSeconds = (performance.now() - queueStarted) / 1000;
const singleStarted = performance.now();
for (let index = 0; index < 200; index += 1) await queue.enqueue(sampleEvent(index));
const singleSeconds = (performance.now() - singleStarted) / 1000;
await queue.close();

await app.close();
await store.close();
await rm(dataDir, { recursive: true, force: true });

console.log(
  `events accepted durably by the server: ${Math.round(total / seconds)} events/s (${batches} batches of ${BATCH}, ${((seconds * 1000) / batches).toFixed(1)} ms per batch, PGlite on disk, one process)`,
);
console.log(`duplicate batches (retries):           ${Math.round((Math.min(50, batches) * BATCH) / dupSeconds)} events/s`);
console.log(
  `bytes per event on the wire:           ${(bodyBytes / total).toFixed(0)} B JSON, ${(gzipBytes / (Math.min(20, batches) * BATCH)).toFixed(0)} B if gzip-compressed`,
);
console.log(
  `app queue, fsync'd, 50 writers:        ${Math.round(queueEvents / queueSeconds)} events/s; one at a time: ${Math.round(200 / singleSeconds)} events/s`,
);
console.log(`stored: ${stored} events (${total} + 1000 warm-up)`);
