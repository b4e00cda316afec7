import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  fleetAgent,
  impressions,
  poll,
  register,
  send,
  sendUntilAcknowledged,
  simulatedInstall,
  type SimulatedInstall,
} from '../../bench/fleet-client.js';
import { cluster, freePort, root, ServerNode } from './nodes.js';

/**
 * Three stateless nodes (`npm run server`, each its own process) on one real PostgreSQL: a publish
 * on one is served by the others within 2 s; during uploads one node is killed with SIGKILL and
 * PostgreSQL is stopped for 10 s, and afterwards every acknowledged event is stored exactly once,
 * polls were answered from the nodes' caches all along, and the nodes work again by themselves.
 */
const databaseUrl = process.env.TRAYSIDE_TEST_DATABASE_URL;
const clusterDir = process.env.TRAYSIDE_PG_DIR ?? '';
const why =
  databaseUrl === undefined
    ? 'TRAYSIDE_TEST_DATABASE_URL is not set (npm test -- multinode starts a cluster)'
    : clusterDir === ''
      ? 'TRAYSIDE_PG_DIR is not set, so PostgreSQL cannot be stopped and started'
      : undefined;
if (why !== undefined) console.log(`multi-node tier skipped: ${why}`);

const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const PRODUCT_LINE = 'fleet-line';

function campaign(id: string, title: string): unknown {
  const demo = JSON.parse(readFileSync(path.join(root, 'server/demo/firmware-2-4-eu.json'), 'utf8')) as Record<string, unknown>;
  const variants = [{ id: 'a', weight: 1, content: { en: { title, body: 'Multi-node tier.' } } }];
  return { ...demo, id, name: title, segment: { productLines: [PRODUCT_LINE], locales: ['*'], regions: [] }, variants };
}

describe.skipIf(why !== undefined)('three nodes on one PostgreSQL', () => {
  let database: string;
  let nodes: ServerNode[];
  const agent = fleetAgent(32);

  beforeAll(async () => {
    // A database of its own, so the tier never sees another suite's rows.
    const name = `multinode_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(databaseUrl!);
    url.pathname = `/${name}`;
    database = url.toString();
    const env = {
      DATABASE_URL: database,
      TRAYSIDE_ADMIN_TOKEN: ADMIN,
      TRAYSIDE_SIGNING_KEY_FILE: '',
      TRAYSIDE_CRM_WEBHOOK_URL: '',
      TRAYSIDE_EXPORT_DIR: '',
    };
    nodes = await Promise.all(['a', 'b', 'c'].map(async (label) => new ServerNode(`node ${label}`, await freePort(), env)));
    // The first node migrates the database; the others start on it together.
    await nodes[0]!.start();
    await Promise.all(nodes.slice(1).map((node) => node.start()));
  }, 240_000);

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((node) => node.stop()));
    agent.destroy();
  });

  async function publish(node: ServerNode, id: string, title: string): Promise<number> {
    const headers = { authorization: `Bearer ${ADMIN}` };
    const created = await send(agent, node.url, 'POST', '/v1/admin/campaigns', headers, JSON.stringify(campaign(id, title)));
    expect(created.status, created.body).toBeLessThan(300);
    const published = await send(agent, node.url, 'POST', `/v1/admin/campaigns/${id}/publish`, headers);
    expect(published.status, published.body).toBe(200);
    return (JSON.parse(published.body) as { version: number }).version;
  }

  it('a publish on node a is served by nodes b and c within 2 s, with the same ETag and bytes', async () => {
    const probe = simulatedInstall();
    // One install asking each node in turn: the ETag of node a is current at b and c too (same key, same bytes).
    expect(
      await Promise.all(nodes.map(async (node) => (await poll(agent, node.url, probe, PRODUCT_LINE, 'en')).status)).then(String),
    ).toMatch(/^200,(200|304),(200|304)$/);
    for (const node of nodes.slice(1)) expect((await poll(agent, node.url, probe, PRODUCT_LINE, 'en')).status).toBe(304);
    const acknowledged = Date.now();
    const version = await publish(nodes[0]!, 'multinode-first', 'Published on node a');
    const seenAfter = await Promise.all(
      nodes.slice(1).map(async (node) => {
        for (;;) {
          const answer = await send(agent, node.url, 'GET', `/v1/manifests/${PRODUCT_LINE}/en`, {});
          if (Number(answer.headers['x-manifest-version']) >= version) return { ms: Date.now() - acknowledged, answer };
          if (Date.now() - acknowledged > 10_000)
            throw new Error(`${node.name} still serves version ${String(answer.headers['x-manifest-version'])} 10 s after the publish`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }),
    );
    console.log(`multi-node: publish seen by node b after ${seenAfter[0]!.ms} ms, node c after ${seenAfter[1]!.ms} ms`);
    for (const { ms } of seenAfter) expect(ms).toBeLessThanOrEqual(2000);
    expect(seenAfter[0]!.answer.headers.etag).toBe(seenAfter[1]!.answer.headers.etag);
    expect(seenAfter[0]!.answer.body).toBe(seenAfter[1]!.answer.body);
    expect(seenAfter[0]!.answer.body).toContain('Published on node a');
  });

  it(
    'kill -9 of a node during uploads and 10 s without PostgreSQL: no acknowledged event lost or doubled, polls answered throughout, nodes recover',
    { timeout: 180_000 },
    async () => {
      const installs: SimulatedInstall[] = Array.from({ length: 24 }, () => simulatedInstall());
      for (const install of installs) {
        const answer = await register(agent, nodes[0]!.url, install);
        expect([200, 201, 404], answer.body).toContain(answer.status);
      }
      const bases = nodes.map((node) => node.url);
      const acknowledged = new Set<string>();
      const sent = new Set<string>();
      let unacknowledged = 0;
      let retried = 0;
      let stopUploads = false;
      const dead = new Set<string>();
      const pollFailures: string[] = [];
      let polls = 0;
      let pgDown = false;
      let pollsWhilePgDown = 0;

      const uploader = async (worker: number): Promise<void> => {
        for (let round = 0; !stopUploads; round += 1) {
          const install = installs[(worker + round * 7) % installs.length]!;
          const events = impressions(5, 'multinode-first');
          for (const event of events) sent.add(event.id);
          const result = await sendUntilAcknowledged(agent, bases, install, events, Date.now() + 90_000, worker + round);
          if (result === undefined) unacknowledged += events.length;
          else {
            if (result.attempts > 1) retried += 1;
            for (const event of events) acknowledged.add(event.id);
          }
        }
      };
      const poller = async (): Promise<void> => {
        const install = simulatedInstall();
        while (!stopUploads) {
          for (const node of nodes) {
            if (dead.has(node.url)) continue;
            const answer = await poll(agent, node.url, install, PRODUCT_LINE, 'en');
            // A poll in flight when its node was killed is the load balancer's to retry, not a cache miss.
            if (dead.has(node.url)) continue;
            polls += 1;
            if (pgDown) pollsWhilePgDown += 1;
            if (answer.status !== 200 && answer.status !== 304)
              pollFailures.push(`${node.name}: ${answer.status} ${answer.body.slice(0, 120)}${pgDown ? ' (PostgreSQL down)' : ''}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };

      const workers = [0, 1, 2, 3, 4, 5].map((worker) => uploader(worker));
      const polling = poller();
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      await pause(2000);
      const victim = nodes[2]!;
      dead.add(victim.url);
      await victim.kill9();
      await pause(1000);
      // A supervisor starts it again (systemd, Kubernetes); it must need nothing from the one that died.
      await victim.start();
      dead.delete(victim.url);
      await pause(1000);

      pgDown = true;
      cluster('stop', clusterDir);
      await pause(10_000);
      cluster('start', clusterDir);
      pgDown = false;
      await pause(4000);

      stopUploads = true;
      await Promise.all([...workers, polling]);

      // Nodes recover by themselves: every one accepts events again, with no restart.
      for (const node of nodes) {
        await vi.waitFor(
          async () =>
            expect(
              (await sendUntilAcknowledged(agent, [node.url], installs[0]!, impressions(1, 'multinode-first'), Date.now() + 2000))?.answer
                .status,
            ).toBe(200),
          { timeout: 30_000, interval: 500 },
        );
      }

      const client = new pg.Client({ connectionString: database });
      await client.connect();
      try {
        const ids = [...sent];
        const stored = await client.query<{ id: string; copies: string }>(
          'select id::text as id, count(*) as copies from events where id = any($1::uuid[]) group by id',
          [ids],
        );
        const storedIds = new Set(stored.rows.map((row) => row.id));
        const doubled = stored.rows.filter((row) => Number(row.copies) > 1);
        const lost = [...acknowledged].filter((id) => !storedIds.has(id));
        console.log(
          `multi-node: ${sent.size} events sent in batches of 5, ${acknowledged.size} acknowledged (${retried} batches needed a retry), ${stored.rowCount} stored; ` +
            `${polls} polls (${pollsWhilePgDown} while PostgreSQL was down), ${pollFailures.length} not answered`,
        );
        expect(unacknowledged).toBe(0);
        expect(lost).toEqual([]);
        expect(doubled).toEqual([]);
        expect(stored.rowCount).toBe(acknowledged.size);
        expect(retried).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
      expect(pollsWhilePgDown).toBeGreaterThan(30);
      expect(pollFailures).toEqual([]);
      expect(nodes.map((node) => node.logs()).join('\n')).toMatch(/store unavailable/);
    },
  );
});
