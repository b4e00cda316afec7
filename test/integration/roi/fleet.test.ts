import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignStatsSchema, type OutcomeRow } from '../../../common/analytics.js';
import type { DeviceSnapshot } from '../../../common/device.js';
import { systemTimers } from '../../../common/lifecycle.js';
import type { Holdout } from '../../../common/messages/manifest.js';
import { pickVariant } from '../../../common/messages/variant.js';
import type { Consent } from '../../../common/settings.js';
import { classifySupply } from '../../../common/supply.js';
import { createEngagementService } from '../../../core/events/engagement.js';
import { pinKeys, verifyManifest } from '../../../core/messages/manifest-verifier.js';
import { armFor } from '../../../core/roi/holdout.js';
import { createOutcomeTracker } from '../../../core/roi/outcomes.js';
import { runAdminCli } from '../../../server/admin-client.js';
import { testAuthorization } from '../../support/install-credentials.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

/**
 * A simulated fleet against the real server on loopback: printers drain their cyan at different
 * rates; at 15 % the "cyan low" campaign matches. Treated installs see it and replace the cartridge
 * within 20 days with probability TREATED_RATE; holdout and control installs are kept from it and
 * replace with WITHHELD_RATE. Everyone else replaces much later, outside the attribution window, so
 * the built-in uplift is exactly TREATED_RATE − WITHHELD_RATE. Each install runs the real engagement
 * service (durable queue, consent gate, uploader) and the real outcome tracker.
 */

const ADMIN = 'ts_admin_roi-fleet-token';
const CAMPAIGN = 'cyan-low-roi';
const INSTALLS = 800;
const TREATED_RATE = 0.55;
const WITHHELD_RATE = 0.3;
const BUILT_IN_UPLIFT = TREATED_RATE - WITHHELD_RATE;
/** What the server publishes; the installs read it from the signed manifest. */
const HOLDOUT: Holdout = { salt: 'fleet-test-2026', share: 0.3 };
const CONTROL_SHARE = 0.1;
const DAY = 86_400_000;
/** Fixed, so the figures repeat; a 95 % interval misses the truth for about one seed in 20 (seed 20261202 did: 32.8 pp, 25.9 to 39.1). */
const FLEET_SEED = 7;
const START = Date.parse('2026-01-05T09:00:00Z');

/** A seeded generator (mulberry32), so the fleet and its figures are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidV4(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

function snapshot(at: number, cyanPercent: number): DeviceSnapshot {
  return {
    id: 'usb:sim-1',
    transport: 'simulated',
    identity: { manufacturer: 'Acme', model: 'Acme Jet 805', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: [],
    supplies: [
      classifySupply({
        id: 'cyan',
        name: 'Cyan',
        kind: 'ink',
        role: 'consumable',
        level: { kind: 'percent', percent: cyanPercent },
        lowThreshold: 10,
      }),
    ],
    facts: {},
    stale: false,
    updatedAt: at,
  };
}

let server: TestServer;
let dir = '';

beforeAll(async () => {
  // Every simulated install registers from 127.0.0.1: lift the per-address limit a real fleet behind one NAT would meet.
  server = await startTestServer(
    { registrationRateLimit: { max: 100_000, timeWindowMs: 60_000 }, holdout: HOLDOUT },
    { adminToken: ADMIN },
  );
  dir = await mkdtemp(join(tmpdir(), 'trayside-roi-fleet-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Simulated {
  arm: string;
  consent: Consent;
  exposed: boolean;
  replacedInWindow: boolean;
}

async function simulateInstall(index: number, random: () => number, holdout: Holdout | undefined): Promise<Simulated> {
  const installId = uuidV4(random);
  const consent: Consent = random() < 0.05 ? 'none' : 'anonymous-usage';
  const arm = armFor(installId, CAMPAIGN, holdout, CONTROL_SHARE);
  const variant = pickVariant(installId, CAMPAIGN, [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 1 },
  ])!;
  const problems: string[] = [];
  let now = START;
  const clock = { now: () => now };
  const engagement = await createEngagementService({
    dataDir: join(dir, String(index)),
    backendUrl: server.url,
    consent: () => consent,
    onConsentChanged: () => ({ dispose: () => undefined }),
    onConsentWithdrawn: () => ({ dispose: () => undefined }),
    fetch: (url, init) => fetch(url, init),
    clock,
    timers: systemTimers,
    log: (message) => problems.push(message),
    installId,
    authorization: testAuthorization(server.url, installId),
    uploader: { debounceMs: 3_600_000 },
  });
  const tracker = createOutcomeTracker({ engagement, consent: () => consent, clock });
  const drainPerDay = 0.6 + random() * 2;
  const noise = (): number => (random() - 0.5) * 4;
  const willReplace = random() < (arm === 'treated' ? TREATED_RATE : WITHHELD_RATE);
  let level = 25 + random() * 20;
  let exposedDay: number | undefined;
  let replaceDay: number | undefined;
  for (let day = 0; day < 120; day += 1) {
    now = START + day * DAY;
    if (day === replaceDay) level = 95 + random() * 5;
    else level = Math.max(0, level - drainPerDay);
    const reading = Math.min(100, Math.max(0, level + noise()));
    if (exposedDay === undefined && reading < 15) {
      exposedDay = day;
      // Within the window for those who act on the reminder (or would have); much later for the others.
      replaceDay = day + (willReplace ? 1 + Math.floor(random() * 20) : 40 + Math.floor(random() * 20));
      if (arm === 'treated')
        await engagement.record({ type: 'impression', campaignId: CAMPAIGN, variantId: variant.id, messageId: `${CAMPAIGN}@1` });
      await tracker.exposed({
        campaignId: CAMPAIGN,
        variantId: variant.id,
        messageId: `${CAMPAIGN}@1`,
        arm,
        context: { trigger: 'supply-below', supplyId: 'cyan', percent: 15 },
      });
    }
    await tracker.observe(snapshot(now, reading));
  }
  const flushed = await engagement.flush();
  engagement.dispose();
  if (consent !== 'none' && engagement.stats().pending > 0)
    throw new Error(
      `install ${index}: ${engagement.stats().pending} events not uploaded (${JSON.stringify(flushed)}): ${problems.join('; ')}`,
    );
  return { arm, consent, exposed: exposedDay !== undefined, replacedInWindow: exposedDay !== undefined && willReplace };
}

describe('closed-loop ROI over a simulated fleet', () => {
  it('recovers the uplift built into the fleet within its confidence interval', { timeout: 300_000 }, async () => {
    // The holdout comes from the signed manifest, verified against the server's pinned key, as the app gets it.
    const body: unknown = await (await fetch(`${server.url}/v1/manifests/trayside-demo/en`)).json();
    const verdict = verifyManifest(body, { keys: pinKeys([await server.publicKey()]), now: Date.now() });
    if (!verdict.ok) throw new Error(`manifest refused: ${verdict.message}`);
    const holdout = verdict.verified.manifest.holdout;
    expect(holdout).toEqual(HOLDOUT);
    const random = seeded(FLEET_SEED);
    // The installs' random draws are made in order, then run a batch at a time.
    const fleet: Simulated[] = [];
    for (let start = 0; start < INSTALLS; start += 40) {
      const batch = Array.from({ length: Math.min(40, INSTALLS - start) }, (_, offset) => {
        const own = seeded(Math.floor(random() * 2 ** 32));
        return simulateInstall(start + offset, own, holdout);
      });
      fleet.push(...(await Promise.all(batch)));
    }

    const response = await fetch(`${server.url}/v1/admin/stats/${CAMPAIGN}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.status).toBe(200);
    const stats = CampaignStatsSchema.parse(await response.json());
    const outcomes = stats.outcomes!;
    const sharing = fleet.filter((install) => install.consent !== 'none' && install.exposed);
    const treated = sharing.filter((install) => install.arm === 'treated');
    const withheld = sharing.filter((install) => install.arm !== 'treated');

    // Only consenting installs are counted; each exposed install once, in its own arm.
    expect(outcomes.total.exposedInstalls).toBe(treated.length);
    expect(outcomes.withheld.exposedInstalls).toBe(withheld.length);
    expect(outcomes.holdout.exposedInstalls).toBe(withheld.filter((install) => install.arm === 'holdout').length);
    expect(outcomes.control.exposedInstalls).toBe(withheld.filter((install) => install.arm === 'control').length);
    // Every replacement inside the window is measured, none outside it, no click needed.
    expect(outcomes.total.replacedInstalls).toBe(treated.filter((install) => install.replacedInWindow).length);
    expect(outcomes.withheld.replacedInstalls).toBe(withheld.filter((install) => install.replacedInWindow).length);
    expect(outcomes.total.clicks).toBe(0);
    // Holdout installs never appear as a variant shown.
    expect(stats.variants.map((variant) => variant.variantId).sort()).toEqual(['a', 'b']);

    const uplift = outcomes.total.uplift!;
    const line = (row: OutcomeRow): string =>
      `${row.variantId}: ${row.replacedInstalls}/${row.exposedInstalls} = ${((row.replacementRate ?? 0) * 100).toFixed(1)} %`;
    console.log(
      `roi fleet: ${INSTALLS} installs; ${[...outcomes.variants, outcomes.total, outcomes.withheld].map(line).join('; ')}; ` +
        `uplift estimated ${(uplift.difference * 100).toFixed(1)} pp (95 % CI ${(uplift.low * 100).toFixed(1)} to ${(uplift.high * 100).toFixed(1)}), built in ${(BUILT_IN_UPLIFT * 100).toFixed(1)} pp`,
    );

    expect(uplift.method).toBe('newcombe-hybrid-score');
    expect(uplift.low).toBeLessThanOrEqual(BUILT_IN_UPLIFT);
    expect(uplift.high).toBeGreaterThanOrEqual(BUILT_IN_UPLIFT);
    // And it tells the campaign worked: the interval excludes zero.
    expect(uplift.low).toBeGreaterThan(0);
    // The admin CLI prints the same figures.
    const out: string[] = [];
    const code = await runAdminCli(['stats', CAMPAIGN, '--server', server.url], {
      env: { TRAYSIDE_ADMIN_TOKEN: ADMIN },
      cwd: process.cwd(),
      fetch,
      out: (text) => out.push(text),
      err: (text) => out.push(text),
    });
    expect(code).toBe(0);
    const printed = out.join('\n');
    expect(printed).toMatch(
      new RegExp(
        `^\\(all\\)\\s+${treated.length}\\s+0\\s+${treated.length}\\s.*\\+${(uplift.difference * 100).toFixed(1)} pp \\(\\+${(uplift.low * 100).toFixed(1)} to \\+${(uplift.high * 100).toFixed(1)}\\)$`,
        'm',
      ),
    );
  });
});
