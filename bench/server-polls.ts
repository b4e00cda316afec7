/**
 * Manifest polls per second: the Fastify server vs a bare node:http server answering the same
 * bytes, in the same run, on the same core. Two cases: a conditional poll that gets 304, and a
 * full download of a 50-campaign manifest. Targets: 304 ≥ 0.8×, full ≥ 0.5× of bare.
 *
 *   npx tsx bench/server-polls.ts [--seconds 5] [--connections 10] [--rounds 2]
 *
 * Servers run in child processes pinned to CPU 0 and autocannon runs here pinned to CPU 1 (with
 * `taskset` when present), so the load generator does not steal the server's core. Each case runs
 * `rounds` times interleaved and the best round counts: other work on a shared machine only ever
 * makes a round slower.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CampaignInputRaw } from '../common/messages/index.js';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const ROUTE = '/v1/manifests/trayside-demo/en';

interface AutocannonResult {
  requests: { average: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
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

/** A realistic campaign: two variants, English and German, a rule, three actions. */
function benchCampaign(index: number): CampaignInputRaw {
  const content = (language: string) => ({
    title: `${language === 'de' ? 'Angebot' : 'Offer'} ${index}: save on 805XL ink`,
    body: `Your printer uses **805XL** cartridges. This month, order two and save 15 %.\n\n- free shipping\n- arrives in 2 days\n\n[Details](https://store.example.com/offers/${index})`,
    image: { url: `https://cdn.example.com/offers/${index}.png`, alt: 'Ink cartridges' },
    actions: [
      { type: 'reorder' as const, label: 'Order now', supplyColor: 'cyan', quantity: 2 },
      { type: 'snooze' as const, label: 'Later', hours: 24 },
      { type: 'dismiss' as const, label: 'No thanks' },
    ],
  });
  return {
    id: `bench-offer-${index}`,
    name: `Bench offer ${index}`,
    category: 'offers',
    priority: index,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en', 'de'], regions: ['DE', 'US'] },
    rule: { and: [{ '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] }, { '>=': [{ var: 'daysSinceInstall' }, index % 30] }] },
    triggers: [{ type: 'app-start' }, { type: 'supply-below', supply: { color: 'cyan' }, percent: 20 }],
    defaultLocale: 'en',
    variants: [
      { id: 'a', weight: 1, content: { en: content('en'), de: content('de') } },
      { id: 'b', weight: 1, content: { en: content('en'), de: content('de') } },
    ],
  };
}

/** Child: the real server with 50 published campaigns; prints {port, etag, bodyFile} when ready. */
async function serveFastify(workDir: string): Promise<void> {
  const { openStore } = await import('../server/store/open-store.js');
  const { buildServer } = await import('../server/app.js');
  const { CampaignInputSchema } = await import('../common/messages/index.js');
  const opening = performance.now();
  const store = await openStore({ dataDir: path.join(workDir, 'pglite') });
  const openMs = performance.now() - opening;
  const now = new Date();
  for (let index = 0; index < 50; index += 1) {
    const campaign = CampaignInputSchema.parse(benchCampaign(index));
    await store.createCampaign(campaign, now);
    await store.publishCampaign(campaign.id, now);
  }
  // The limit stays on (its cost is part of a real poll) but high enough never to refuse the load.
  const app = await buildServer({ store, logLevel: 'error', deviceRateLimit: { max: 1e9, timeWindowMs: 60_000 } });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const response = await app.inject({ method: 'GET', url: ROUTE });
  const bodyFile = path.join(workDir, 'manifest.json');
  await writeFile(bodyFile, response.rawPayload);
  process.stdout.write(
    `${JSON.stringify({ port: Number(new URL(address).port), etag: response.headers.etag, bodyFile, openMs: Math.round(openMs) })}\n`,
  );
}

/** Child: the baseline, a bare node:http server with the same bytes and headers. */
async function serveBare(bodyFile: string, etag: string): Promise<void> {
  const body = await readFile(bodyFile);
  const headers = { etag, 'cache-control': 'public, max-age=300, stale-if-error=86400', 'x-manifest-version': '50' };
  const server = createServer((request, response) => {
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
}

function startChild(args: string[], pin: boolean): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const tsx = require.resolve('tsx/cli');
  const command = pin ? 'taskset' : process.execPath;
  const argv = pin ? ['-c', '0', process.execPath, tsx, SELF, ...args] : [tsx, SELF, ...args];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line !== undefined) resolve({ child, info: JSON.parse(line) as Record<string, unknown> });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      dir: { type: 'string' },
      body: { type: 'string' },
      etag: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
    },
  });
  if (values.child === 'fastify') return serveFastify(values.dir!);
  if (values.child === 'bare') return serveBare(values.body!, values.etag!);

  const pin = hasTaskset();
  if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const autocannon = require('autocannon') as Autocannon;
  const workDir = await mkdtemp(path.join(tmpdir(), 'trayside-bench-'));
  const children: ChildProcess[] = [];
  try {
    const fastify = await startChild(['--child', 'fastify', '--dir', workDir], pin);
    children.push(fastify.child);
    const etag = String(fastify.info.etag);
    const bodyFile = String(fastify.info.bodyFile);
    const bare = await startChild(['--child', 'bare', '--body', bodyFile, '--etag', etag], pin);
    children.push(bare.child);
    const size = (await readFile(bodyFile)).length;
    console.log(
      `PGlite open (new data dir): ${fastify.info.openMs} ms; manifest: 50 campaigns, ${(size / 1024).toFixed(1)} KiB; pinned: ${pin ? 'server CPU 0, load CPU 1' : 'no (taskset missing)'}`,
    );

    const run = async (port: number, conditional: boolean): Promise<number> => {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}${ROUTE}`,
        connections: Number(values.connections),
        duration: Number(values.seconds),
        headers: conditional ? { 'if-none-match': etag } : {},
      });
      const expected = conditional ? '304' : '200';
      const good = result.statusCodeStats[expected]?.count ?? 0;
      const total = Object.values(result.statusCodeStats).reduce((sum, entry) => sum + entry.count, 0);
      if (result.errors > 0 || good !== total)
        throw new Error(
          `port ${port}: expected only ${expected}, got ${JSON.stringify(result.statusCodeStats)} and ${result.errors} errors`,
        );
      return result.requests.average;
    };
    const cases = [
      { name: '304 poll', conditional: true, target: 0.8 },
      { name: 'full manifest', conditional: false, target: 0.5 },
    ];
    const best: Record<string, { bare: number; fastify: number }> = {};
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const entry of cases) {
        const bareRate = await run(Number(bare.info.port), entry.conditional);
        const fastifyRate = await run(Number(fastify.info.port), entry.conditional);
        const seen = (best[entry.name] ??= { bare: 0, fastify: 0 });
        seen.bare = Math.max(seen.bare, bareRate);
        seen.fastify = Math.max(seen.fastify, fastifyRate);
      }
    }
    for (const entry of cases) {
      const { bare: bareRate, fastify: fastifyRate } = best[entry.name]!;
      const ratio = fastifyRate / bareRate;
      console.log(
        `${entry.name.padEnd(14)} bare node:http ${Math.round(bareRate).toString().padStart(6)}/s   trayside server ${Math.round(fastifyRate).toString().padStart(6)}/s   ratio ${ratio.toFixed(2)}×   target ≥ ${entry.target}×  ${ratio >= entry.target ? 'met' : 'BELOW TARGET'}`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
