// Dismiss-click benchmark: how long the main thread is blocked while the delivery ledger records
// 1,000 clicks (read/dismiss), with the old synchronous path against the ledger on core/storage
// (append returns at once; write + fdatasync run on libuv's threads). Both run in this process
// against the same disk; the ratio is the figure. Run: npx tsx bench/ledger-dismiss.ts [--clicks N]
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openLedgerSync, type LedgerRecord } from '../core/messages/ledger.js';

const { values } = parseArgs({ options: { clicks: { type: 'string', default: '1000' } } });
const clicks = Number(values.clicks);
const record = (index: number): LedgerRecord => ({
  type: 'dismissed',
  at: Date.now(),
  campaignId: `campaign-${index % 20}`,
  messageId: `campaign-${index % 20}@1`,
});

interface Figures {
  /** Time inside the click handler, summed: what the main thread spent on the ledger. */
  blockedMs: number;
  /** Event-loop delay while the clicks ran (what a second click, a repaint or an IPC reply waited). */
  delayMeanMs: number;
  delayMaxMs: number;
  /** Until every record was on disk. */
  durableMs: number;
}

/** One click every turn of the event loop, as a burst of real clicks would arrive. */
async function run(append: (record: LedgerRecord) => unknown, durable: () => Promise<void>): Promise<Figures> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let blocked = 0;
  const start = performance.now();
  for (let index = 0; index < clicks; index += 1) {
    const before = performance.now();
    append(record(index));
    blocked += performance.now() - before;
    await nextTurn();
  }
  await durable();
  const durableMs = performance.now() - start;
  delay.disable();
  return { blockedMs: blocked, delayMeanMs: delay.mean / 1e6, delayMaxMs: delay.max / 1e6, durableMs };
}

const root = mkdtempSync(join(tmpdir(), 'trayside-bench-ledger-'));
try {
  // BASELINE — a copy of the old ledger append (core/messages/ledger.ts before core/storage):
  // writeSync + fsyncSync on the calling thread for every click. Kept here only to compare against.
  const oldDir = join(root, 'old');
  mkdirSync(oldDir);
  const fd = openSync(join(oldDir, 'ledger.jsonl'), 'a', 0o600);
  const baseline = await run(
    (entry) => {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    },
    async () => undefined,
  );
  closeSync(fd);

  // NOW — the ledger itself.
  const ledger = openLedgerSync(join(root, 'new'));
  const current = await run(
    (entry) => void ledger.append(entry),
    () => ledger.durable(),
  );
  ledger.dispose();

  const row = (name: string, figures: Figures): string =>
    `${name.padEnd(28)} blocked ${figures.blockedMs.toFixed(1).padStart(8)} ms   loop delay mean ${figures.delayMeanMs.toFixed(2).padStart(6)} ms, max ${figures.delayMaxMs.toFixed(1).padStart(6)} ms   all durable after ${figures.durableMs.toFixed(0)} ms`;
  console.log(`${clicks} dismiss clicks, one per event-loop turn, each recorded in the delivery ledger:`);
  console.log(row('old sync path (baseline)', baseline));
  console.log(row('core/storage AppendLog', current));
  console.log(
    `main-thread blocking: ${(baseline.blockedMs / Math.max(current.blockedMs, 0.001)).toFixed(0)}x less with the async path (same run, same disk)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
