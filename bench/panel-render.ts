// How fast the panel opens in a browser, through the Node host exactly as `npm start` runs it (the
// bundle, its V8 flags) against a real backend serving 100 published messages: the panel's
// JavaScript as the host sends it gzipped, the time from navigation to the device list, and to 100
// rendered messages; median of N runs in headless Chromium, each in a new browser context (nothing
// cached), and again reloaded in the same context (assets from the browser cache). The baseline, in
// the same run and browser: the page the panel ends with, saved as plain HTML (scripts removed,
// styles kept) and served from loopback — what Chromium itself needs to show that DOM, so the ratio
// is the panel's own cost (its JavaScript, the bridge, the core's answer) on whatever machine runs it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import type { CampaignInputRaw } from '../common/messages/index.js';
import { NODE_HOST_ENTRY, NODE_HOST_FLAGS } from '../scripts/node-host-launch.mjs';
import { startTestServer } from '../test/support/test-backend.js';

const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_PANEL_RUNS ?? 7);
const MESSAGES = 100;
const GOALS = { jsGzipKiB: 150, deviceListMs: 300, messagesMs: 300 };
const ADMIN = 'ts_admin_panel-bench-token';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A critical service message: those may bypass the frequency caps, so all 100 reach the inbox at once. */
function campaign(index: number): CampaignInputRaw {
  return {
    id: `bench-${index}`,
    name: `bench ${index}`,
    category: 'service',
    urgency: 'critical',
    priority: 500,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: true,
    triggers: [{ type: 'app-start' }],
    caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 },
    defaultLocale: 'en',
    variants: [
      {
        id: 'a',
        weight: 1,
        content: {
          en: {
            title: `Service notice ${index}`,
            body: `Notice **${index}**: the firmware update for your printer is ready. [Details](https://store.example.com/${index})`,
          },
        },
      },
    ],
  };
}

/** Body bytes as sent for `accept-encoding` (no decompression), or undefined when the path is missing. */
function sentBytes(url: string, encoding: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { 'accept-encoding': encoding } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => done({ bytes, encoding: String(response.headers['content-encoding'] ?? 'identity') }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Records, relative to navigation start, when the device list and the 100th message first exist. */
function installProbe(): void {
  const marks: { deviceList?: number; messages?: number } = {};
  (window as unknown as { __panelBench: typeof marks }).__panelBench = marks;
  new MutationObserver(() => {
    marks.deviceList ??= document.querySelector('article.device') ? performance.now() : undefined;
    if (marks.messages === undefined && document.querySelectorAll('.inbox article').length >= 100) marks.messages = performance.now();
  }).observe(document, { childList: true, subtree: true });
}

/** One load: when the scripts had arrived, when they had run (DOMContentLoaded waits for module scripts), the device list, 100 messages. */
interface LoadTimes {
  scriptsLoaded: number;
  contentLoaded: number;
  deviceList: number;
  messages: number;
}

async function timeLoad(page: Page, url: string): Promise<LoadTimes> {
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as { __panelBench: { messages?: number } }).__panelBench.messages !== undefined,
    undefined,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const marks = (window as unknown as { __panelBench: { deviceList: number; messages: number } }).__panelBench;
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const scripts = performance
      .getEntriesByType('resource')
      .filter((entry) => entry.name.endsWith('.js'))
      .map((entry) => (entry as PerformanceResourceTiming).responseEnd);
    return { ...marks, scriptsLoaded: Math.max(0, ...scripts), contentLoaded: navigation.domContentLoadedEventEnd };
  });
}

/** Serves one HTML page on loopback (the baseline). */
async function serveStatic(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const verdict = (value: number, goal: number, unit: string): string =>
  `${value.toFixed(unit === 'KiB' ? 1 : 0)} ${unit} (goal ≤ ${goal} ${unit}: ${value <= goal ? 'met' : 'MISSED'})`;

const dataDir = mkdtempSync(join(tmpdir(), 'trayside-panel-bench-'));
// A modest device rate limit of its own: the host polls a few times at most.
const backend = await startTestServer({ deviceRateLimit: { max: 10_000, timeWindowMs: 60_000 } }, { adminToken: ADMIN });
const host = await (async () => {
  for (let index = 0; index < MESSAGES; index += 1) {
    const body = campaign(index);
    for (const [route, payload] of [
      ['/v1/admin/campaigns', body],
      [`/v1/admin/campaigns/${body.id}/publish`, undefined],
    ] as const) {
      const response = await fetch(new URL(route, backend.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { body: JSON.stringify(payload) } : {}),
      });
      if (response.status >= 300) throw new Error(`publishing ${body.id}: ${response.status} ${await response.text()}`);
    }
  }
  const child = spawn(
    process.execPath,
    [
      ...NODE_HOST_FLAGS,
      NODE_HOST_ENTRY,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--backend',
      backend.url,
      '--public-key',
      await backend.publicKey(),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = await new Promise<string>((done, fail) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Trayside panel: (\S+)/.exec(stdout);
      if (match) done(match[1]!);
    });
    child.once('exit', (code) => fail(new Error(`the Node host exited with ${code}:\n${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
})();

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  // Warm-up: the host fetches the manifest at start; wait until all 100 messages are in the inbox.
  const warm = await browser.newPage();
  await warm.addInitScript(installProbe);
  await timeLoad(warm, host.url).catch(async (error: unknown) => {
    const page = await warm.evaluate(() => document.body.innerText.slice(0, 600)).catch(() => '');
    const log = host
      .stderr()
      .split('\n')
      .filter((line) => !line.includes('notification:'));
    throw new Error(
      `the panel never showed ${MESSAGES} messages (${String(error)}); host log:\n${log.slice(-15).join('\n')}\npanel text:\n${page}`,
    );
  });
  // Every script the page fetched: entries and the chunks they import (modulepreload or import).
  const scripts = await warm.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => new URL(name).pathname.endsWith('.js')),
  );
  // The finished page as plain HTML: no scripts; its stylesheets from the host, as the panel has them.
  const finishedHtml = await warm.evaluate((base) => {
    const copy = document.documentElement.cloneNode(true) as HTMLElement;
    for (const script of copy.querySelectorAll('script, link[rel="modulepreload"], meta[http-equiv]')) script.remove();
    for (const link of copy.querySelectorAll<HTMLLinkElement>('link[href]')) link.href = new URL(link.getAttribute('href')!, base).href;
    return `<!doctype html>${copy.outerHTML}`;
  }, host.url);
  await warm.close();
  const staticPage = await serveStatic(finishedHtml);

  let gzipBytes = 0;
  let brotliBytes = 0;
  const perScript: string[] = [];
  for (const script of scripts) {
    const gz = await sentBytes(script, 'gzip');
    const br = await sentBytes(script, 'br');
    if (gz.encoding !== 'gzip') console.log(`  note: ${new URL(script).pathname} came ${gz.encoding}, not gzip`);
    gzipBytes += gz.bytes;
    brotliBytes += br.bytes;
    perScript.push(`${new URL(script).pathname} ${(gz.bytes / 1024).toFixed(1)}`);
  }

  const cold: LoadTimes[] = [];
  const cached: LoadTimes[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const context = await browser.newContext();
    await context.addInitScript(installProbe);
    const page = await context.newPage();
    cold.push(await timeLoad(page, host.url));
    cached.push(await timeLoad(page, host.url));
    await context.close();
    // Interleaved with the panel's runs, so both see the same load on the machine.
    const plain = await browser.newContext();
    const plainPage = await plain.newPage();
    await plainPage.goto(staticPage.url, { waitUntil: 'load' });
    baseline.push(await plainPage.evaluate(() => performance.getEntriesByType('navigation')[0]!.duration));
    await plain.close();
  }
  staticPage.server.close();

  console.log(
    `panel render: ${RUNS} runs through the bundled Node host (${NODE_HOST_FLAGS.join(' ')}), ${MESSAGES} messages from a real backend, headless Chromium`,
  );
  console.log(
    `  panel JS as sent: ${verdict(gzipBytes / 1024, GOALS.jsGzipKiB, 'KiB')} gzipped; ${(brotliBytes / 1024).toFixed(1)} KiB brotli (what Chromium gets); gzipped KiB per script: ${perScript.join(', ')}`,
  );
  for (const [label, runs] of [
    ['new context (nothing cached)', cold],
    ['reload (assets cached, immutable)', cached],
  ] as const) {
    console.log(
      `  ${label}: device list ${verdict(median(runs.map((r) => r.deviceList)), GOALS.deviceListMs, 'ms')}, ${MESSAGES} messages ${verdict(median(runs.map((r) => r.messages)), GOALS.messagesMs, 'ms')} (median; runs ${runs.map((r) => Math.round(r.messages)).join(', ')} ms)` +
        `; of that: scripts in at ${median(runs.map((r) => r.scriptsLoaded)).toFixed(0)} ms, run by ${median(runs.map((r) => r.contentLoaded)).toFixed(0)} ms`,
    );
  }
  const plainMs = median(baseline);
  console.log(
    `  baseline, the same finished page as plain HTML in a new context: ${plainMs.toFixed(0)} ms (median; runs ${baseline.map(Math.round).join(', ')} ms); the panel's 100 messages take ${(median(cold.map((r) => r.messages)) / plainMs).toFixed(1)}× that cold, ${(median(cached.map((r) => r.messages)) / plainMs).toFixed(1)}× reloaded`,
  );
} finally {
  await browser.close();
  const exited = new Promise((done) => host.child.once('exit', done));
  host.child.kill('SIGTERM');
  await exited; // it writes its data folder until it has gone
  await backend.close();
  rmSync(dataDir, { recursive: true, force: true });
}
