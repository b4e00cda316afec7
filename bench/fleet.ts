/**
 * Fleet benchmark: many simulated installs polling one node conditionally across many segments,
 * and batched event uploads with retries, on PGlite and (when Debian's PostgreSQL is there) on a
 * PostgreSQL cluster of its own. Prints req/s, p50/p99 latency, server CPU µs per request, the
 * ratio against a bare node:http server on the same core, and events/s.
 *
 *   npx tsx bench/fleet.ts [--installs 10000] [--segments 5000] [--seconds 8] [--connections 64]
 *   npx tsx bench/fleet.ts --big      # adds 640,000 installs × 5,000 segments (the cliff check)
 *   npx tsx bench/fleet.ts --json     # one JSON line with every figure at the end (docs/capacity.md)
 *
 * The server runs in a child process pinned to CPU 0 and the load here on CPU 1 (taskset), as in
 * bench/server-polls.ts. Each install polls its own segment (install i → segment i mod S): its
 * first poll downloads the manifest, every later one sends If-None-Match and gets 304, which is
 * what a fleet on a 15-minute interval looks like to a node behind a CDN miss.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fleetAgent, impressions, register, sendBatch, simulatedInstall } from './fleet-client.js';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');

/** 10 languages × 5 regions: 50 valid, canonical locale tags; segments are product lines × these. */
const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'pt', 'sv', 'ja'].flatMap((language) =>
  ['US', 'DE', 'FR', 'GB', 'JP'].map((region) => `${language}-${region}`),
);

function segmentPath(index: number): string {
  const line = `line-${String(Math.floor(index / LOCALES.length)).padStart(4, '0')}`;
  return `/v1/manifests/${line}/${LOCALES[index % LOCALES.length]}`;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  throughput: { average: number; total: number };
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Child: the real server over PGlite (or PostgreSQL with --database) with a realistic campaign for every segment. */
async function serveTrayside(workDir: string, database: string | undefined): Promise<void> {
  const { openStore } = await import('../server/store/open-store.js');
  const { buildServer } = await import('../server/app.js');
  const { CampaignInputSchema } = await import('../common/messages/index.js');
  const store = await openStore(database ? { databaseUrl: database } : { dataDir: path.join(workDir, 'pglite') });
  const now = new Date();
  const content = {
    title: 'Cyan running low',
    body: 'Your **805XL** cyan is below 15 %. Order now and it arrives in 2 days.',
    actions: [{ type: 'reorder' as const, label: 'Order', supplyColor: 'cyan', quantity: 1 }],
  };
  const campaign = CampaignInputSchema.parse({
    id: 'fleet-campaign',
    name: 'Fleet campaign',
    category: 'supplies',
    priority: 500,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['*'], locales: ['*'], regions: [] },
    rule: { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] },
    triggers: [{ type: 'supply-below', supply: { color: 'cyan' }, percent: 15 }],
    defaultLocale: 'en',
    variants: [
      {
        id: 'a',
        weight: 1,
        content: Object.fromEntries(['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'pt', 'sv', 'ja'].map((language) => [language, content])),
      },
    ],
  });
  if ((await store.getCampaign(campaign.id)) === null) {
    await store.createCampaign(campaign, now);
    await store.publishCampaign(campaign.id, now);
  }
  // Limits stay on (their cost is part of a request) but never refuse the benchmark's load.
  const app = await buildServer({
    store,
    logLevel: 'error',
    deviceRateLimit: { max: 1e9, timeWindowMs: 60_000 },
    registrationRateLimit: { max: 1e9, timeWindowMs: 60_000 },
  } as Parameters<typeof buildServer>[0]);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  });
  process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);
}

/** Child: the baseline, a bare node:http server answering 304 to If-None-Match and a small body otherwise. */
function serveBare(): void {
  const body = Buffer.alloc(1500, 'x');
  const server = createServer((request, response) => {
    const headers = { etag: '"fleet"', 'cache-control': 'public, max-age=300' };
    if (request.headers['if-none-match'] !== undefined) response.writeHead(304, headers).end();
    else response.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
}

interface Child {
  child: ChildProcess;
  port: number;
  cpuMicros(): Promise<{ micros: number; rss: number }>;
}

function startChild(args: string[], pin: boolean): Promise<Child> {
  const argv = ['--import', 'tsx', SELF, ...args];
  const child = pin
    ? spawn('taskset', ['-c', '0', process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], cwd: ROOT })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], cwd: ROOT });
  const cpuMicros = () =>
    new Promise<{ micros: number; rss: number }>((resolve) => {
      child.once('message', (message: { cpu: NodeJS.CpuUsage; rss: number }) =>
        resolve({ micros: message.cpu.user + message.cpu.system, rss: message.rss }),
      );
      child.send('cpu');
    });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line !== undefined) resolve({ child, port: (JSON.parse(line) as { port: number }).port, cpuMicros });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/** One poll run's figures. */
interface PollFigures {
  installs: number;
  segments: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  distinctInstallsPerMinute: number;
  notModifiedShare: number;
  bytesPerRequest: number;
  rssMiB: number;
  /** Downloading every segment once right after a publish (each signed once), ms. */
  signAllSegmentsMs: number;
  /** Body of one full manifest download (a publish or a renewal), bytes. */
  manifestBytes: number;
}

async function pollRun(
  autocannon: Autocannon,
  server: Child,
  installs: number,
  segments: number,
  seconds: number,
  connections: number,
  seenBefore?: Uint8Array,
): Promise<PollFigures> {
  // Which installs hold the current manifest (and so send If-None-Match): one byte each, 640 kB for 640 k installs.
  // A fleet in its steady state holds it; a publish is the one-off download measured by the warm-up.
  const seen = seenBefore ?? new Uint8Array(installs).fill(1);
  const etags = new Map<number, string>();
  // Each segment's ETag, as the fleet's caches hold it; reading them also signs every segment once before the timed run.
  const agent = fleetAgent(16);
  const warming = performance.now();
  let manifestBytes = 0;
  for (let start = 0; start < segments; start += 64) {
    await Promise.all(
      Array.from({ length: Math.min(64, segments - start) }, async (_, offset) => {
        const index = start + offset;
        const response = await fetch(`http://127.0.0.1:${server.port}${segmentPath(index)}`, {
          headers: { 'x-trayside-install': `fleet-warm-${index}` },
        });
        manifestBytes = Math.max(manifestBytes, (await response.arrayBuffer()).byteLength);
        etags.set(index, response.headers.get('etag') ?? '');
      }),
    );
  }
  agent.destroy();
  const warmMs = performance.now() - warming;
  let next = 0;
  const touched = new Set<number>();
  const before = await server.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const install = next % installs;
          next += 1;
          const segment = install % segments;
          const headers: Record<string, string> = { 'x-trayside-install': `fleet-install-${install}` };
          if (seen[install] === 1) headers['if-none-match'] = etags.get(segment)!;
          else seen[install] = 1;
          if (touched.size < 1_000_000) touched.add(install);
          return { ...request, method: 'GET', path: segmentPath(segment), headers };
        },
      },
    ],
  });
  const after = await server.cpuMicros();
  const total = Object.values(result.statusCodeStats).reduce((sum, entry) => sum + entry.count, 0);
  const good = (result.statusCodeStats['200']?.count ?? 0) + (result.statusCodeStats['304']?.count ?? 0);
  if (result.errors > 0 || good !== total)
    throw new Error(`polls: expected only 200/304, got ${JSON.stringify(result.statusCodeStats)} and ${result.errors} errors`);
  return {
    installs,
    segments,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: (after.micros - before.micros) / total,
    distinctInstallsPerMinute: Math.round((touched.size / seconds) * 60),
    notModifiedShare: (result.statusCodeStats['304']?.count ?? 0) / total,
    bytesPerRequest: result.throughput.total / total,
    rssMiB: after.rss / 1048576,
    signAllSegmentsMs: Math.round(warmMs),
    manifestBytes,
  };
}

async function bareRun(
  autocannon: Autocannon,
  bare: Child,
  seconds: number,
  connections: number,
): Promise<{ requestsPerSecond: number; cpuMicrosPerRequest: number }> {
  const before = await bare.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${bare.port}/v1/manifests/line-0000/en-US`,
    connections,
    duration: seconds,
    headers: { 'if-none-match': '"fleet"' },
  });
  const after = await bare.cpuMicros();
  return { requestsPerSecond: result.requests.average, cpuMicrosPerRequest: (after.micros - before.micros) / result.requests.total };
}

/** Batched events with retries: `workers` installs in parallel, batches of `batch` events, each resent until acknowledged. */
async function eventRun(
  server: Child,
  seconds: number,
  workers: number,
  batch: number,
): Promise<{ eventsPerSecond: number; batches: number; retries: number; p50Ms: number; p99Ms: number; cpuMicrosPerEvent: number }> {
  const base = `http://127.0.0.1:${server.port}`;
  const agent = fleetAgent(workers);
  const installs = Array.from({ length: workers * 4 }, () => simulatedInstall());
  for (const install of installs) await register(agent, base, install);
  let acknowledged = 0;
  let batches = 0;
  let retries = 0;
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const before = await server.cpuMicros();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let round = 0; Date.now() < deadline; round += 1) {
        const install = installs[(worker + round * workers) % installs.length]!;
        const events = impressions(batch);
        for (;;) {
          const answer = await sendBatch(agent, base, install, events);
          latencies.push(answer.ms);
          if (answer.status === 200) break;
          retries += 1;
          if (retries > 1000) throw new Error(`events: too many refusals (last ${answer.status} ${answer.body.slice(0, 200)})`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        acknowledged += events.length;
        batches += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const after = await server.cpuMicros();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    eventsPerSecond: acknowledged / elapsed,
    batches,
    retries,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    cpuMicrosPerEvent: (after.micros - before.micros) / acknowledged,
  };
}

/** What the events the run stored take on disk: every events partition, the id ledger, their indexes and the rollups. */
async function storedBytesPerEvent(url: string): Promise<{ events: number; bytes: number }> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('vacuum analyze');
    const count = await client.query<{ n: string }>('select count(*) as n from events');
    const size = await client.query<{ bytes: string }>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes from pg_class c
       where c.relkind = 'r' and (c.oid in (select inhrelid from pg_inherits where inhparent = 'events'::regclass) or c.relname in ('event_ids', 'event_counts', 'event_installs'))`,
    );
    return { events: Number(count.rows[0]!.n), bytes: Number(size.rows[0]!.bytes) };
  } finally {
    await client.end();
  }
}

function line(figures: PollFigures, bareRate: number): string {
  return (
    `${String(figures.installs).padStart(7)} installs × ${String(figures.segments).padStart(4)} segments: ${Math.round(figures.requestsPerSecond).toString().padStart(6)} req/s ` +
    `(${(figures.requestsPerSecond / bareRate).toFixed(2)}× bare)  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  CPU ${figures.cpuMicrosPerRequest.toFixed(1)} µs/req  ` +
    `${(figures.notModifiedShare * 100).toFixed(1)} % 304  ${Math.round(figures.bytesPerRequest)} B/req  ${figures.distinctInstallsPerMinute.toLocaleString('en')} distinct installs/min  RSS ${figures.rssMiB.toFixed(0)} MiB  (first download of all segments ${figures.signAllSegmentsMs} ms, ${figures.manifestBytes} B each)`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      dir: { type: 'string' },
      database: { type: 'string' },
      installs: { type: 'string', default: '10000' },
      segments: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '8' },
      connections: { type: 'string', default: '64' },
      big: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'no-postgres': { type: 'boolean', default: false },
    },
  });
  if (values.child === 'trayside') return serveTrayside(values.dir!, values.database);
  if (values.child === 'bare') return serveBare();

  const pin = hasTaskset();
  if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const autocannon = require('autocannon') as Autocannon;
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const installs = Number(values.installs);
  const segments = Number(values.segments);
  const workDir = await mkdtemp(path.join(tmpdir(), 'trayside-fleet-'));
  const children: ChildProcess[] = [];
  const report: Record<string, unknown> = { pinned: pin, seconds, connections };
  let pgDir: string | undefined;
  try {
    const server = await startChild(['--child', 'trayside', '--dir', workDir], pin);
    children.push(server.child);
    const bare = await startChild(['--child', 'bare'], pin);
    children.push(bare.child);
    console.log(
      `server on CPU 0, load on CPU 1: ${pin ? 'yes' : 'no (taskset missing)'}; ${seconds} s per run, ${connections} connections`,
    );

    const baseline = await bareRun(autocannon, bare, seconds, connections);
    console.log(
      `bare node:http 304: ${Math.round(baseline.requestsPerSecond)} req/s, CPU ${baseline.cpuMicrosPerRequest.toFixed(1)} µs/req`,
    );
    report.bare = baseline;

    const runs: [number, number][] = [
      [installs, 50],
      [installs, segments],
      ...(values.big ? ([[640_000, 5000]] as [number, number][]) : []),
    ];
    const polls: PollFigures[] = [];
    for (const [count, segmentCount] of runs) {
      const figures = await pollRun(
        autocannon,
        server,
        count,
        segmentCount,
        values.big && count >= 640_000 ? Math.max(seconds, 30) : seconds,
        connections,
      );
      polls.push(figures);
      console.log(line(figures, baseline.requestsPerSecond));
    }
    report.polls = polls.map((figures) => ({ ...figures, ratioToBare: figures.requestsPerSecond / baseline.requestsPerSecond }));

    const pglite = await eventRun(server, seconds, 16, 10);
    console.log(
      `events on PGlite: ${Math.round(pglite.eventsPerSecond)} events/s in batches of 10 (${pglite.batches} batches, ${pglite.retries} retried), p50 ${pglite.p50Ms.toFixed(1)} ms  p99 ${pglite.p99Ms.toFixed(1)} ms  CPU ${pglite.cpuMicrosPerEvent.toFixed(0)} µs/event`,
    );
    report.eventsPglite = pglite;

    if (!values['no-postgres']) {
      const start = spawnSync('bash', ['scripts/pg/start.sh'], { cwd: ROOT, encoding: 'utf8' });
      const url = start.stdout?.match(/postgres(?:ql)?:\/\/\S+/)?.[0];
      pgDir = start.stdout?.match(/TRAYSIDE_PG_DIR=(\S+)/)?.[1];
      if (start.status !== 0 || url === undefined)
        console.log(`events on PostgreSQL: skipped (${(start.stderr || 'scripts/pg/start.sh failed').trim().split('\n').pop()})`);
      else {
        const onPostgres = await startChild(['--child', 'trayside', '--dir', workDir, '--database', url], pin);
        children.push(onPostgres.child);
        const postgres = await eventRun(onPostgres, seconds, 16, 10);
        console.log(
          `events on PostgreSQL: ${Math.round(postgres.eventsPerSecond)} events/s in batches of 10 (${postgres.batches} batches, ${postgres.retries} retried), p50 ${postgres.p50Ms.toFixed(1)} ms  p99 ${postgres.p99Ms.toFixed(1)} ms  node CPU ${postgres.cpuMicrosPerEvent.toFixed(0)} µs/event (PostgreSQL shares CPU 1 with the load)`,
        );
        const size = await storedBytesPerEvent(url);
        console.log(
          `PostgreSQL storage: ${size.events} events take ${(size.bytes / 1048576).toFixed(1)} MiB with their ledger, indexes and rollups = ${Math.round(size.bytes / size.events)} B/event`,
        );
        report.eventsPostgres = { ...postgres, storedEvents: size.events, bytesPerEvent: size.bytes / size.events };
      }
    }
    if (values.json) console.log(JSON.stringify(report));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    if (pgDir !== undefined)
      spawnSync('bash', ['scripts/pg/stop.sh'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, TRAYSIDE_PG_DIR: pgDir } });
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
