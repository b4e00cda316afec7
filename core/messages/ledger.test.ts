import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTestKey, signManifest, testManifest, testMessage } from '../../test/support/manifests.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { openLedgerSync } from './ledger.js';

const root = resolve(import.meta.dirname, '../..');
const tempDir = tempDirs();

describe('ledger', () => {
  it('folds deliveries, reads, dismissals and snoozes, and reads them back after a restart', async () => {
    const dir = tempDir('trayside-ledger-');
    const ledger = openLedgerSync(dir);
    ledger.append({ type: 'delivered', at: 10, campaignId: 'a', messageId: 'a@1', category: 'supplies', notified: false });
    ledger.append({ type: 'read', at: 11, campaignId: 'a', messageId: 'a@1' });
    ledger.append({ type: 'delivered', at: 20, campaignId: 'a', messageId: 'a@2', category: 'supplies', notified: true });
    ledger.append({ type: 'snoozed', at: 21, campaignId: 'b', messageId: 'b@1', until: 99 });
    // Folded at once, for the delivery rules of the same pass; on disk once the promise resolves.
    expect(ledger.campaign('a')?.deliveries).toEqual([10, 20]);
    await ledger.append({ type: 'dismissed', at: 22, campaignId: 'c', messageId: 'c@1' });
    ledger.dispose();
    const again = openLedgerSync(dir);
    expect(again.campaign('a')).toMatchObject({ deliveries: [10, 20], lastMessageId: 'a@2', lastReadAt: 11 });
    expect(again.campaign('b')?.snoozedUntil).toBe(99);
    expect(again.campaign('c')?.dismissed).toBe(true);
    expect(again.deliveries().map((delivery) => delivery.at)).toEqual([10, 20]);
    again.dispose();
  });

  it('skips a torn last line (power lost mid-write) and keeps appending readable records', async () => {
    const dir = tempDir('trayside-ledger-');
    const first = openLedgerSync(dir);
    await first.append({ type: 'delivered', at: 10, campaignId: 'a', messageId: 'a@1', category: 'supplies', notified: false });
    first.dispose();
    appendFileSync(join(dir, 'ledger.jsonl'), '{"type":"delivered","at":20,"campaignId":"a","mess');
    const second = openLedgerSync(dir);
    expect(second.skippedLines).toBe(1);
    await second.append({ type: 'delivered', at: 30, campaignId: 'a', messageId: 'a@1', category: 'supplies', notified: false });
    second.dispose();
    const third = openLedgerSync(dir);
    expect(third.campaign('a')?.deliveries).toEqual([10, 30]);
    // The torn line went into the damaged copy at the second open; the ledger itself is clean again.
    expect(third.skippedLines).toBe(0);
    const copies = readdirSync(dir).filter((name) => name.startsWith('ledger.jsonl.damaged-'));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(dir, copies[0]!), 'utf8')).toContain('"at":20,"campaignId":"a","mess');
    third.dispose();
  });

  it('refuses a record that does not fit the schema instead of writing it', async () => {
    const dir = tempDir('trayside-ledger-');
    const ledger = openLedgerSync(dir);
    expect(() => ledger.append({ type: 'delivered', at: Number.NaN } as never)).toThrow();
    await ledger.durable();
    expect(readFileSync(join(dir, 'ledger.jsonl'), 'utf8')).toBe('');
    ledger.dispose();
  });
});

/** Runs the child; resolves with its stdout lines. `killOn` SIGKILLs it as soon as a line starts with it. */
function runChild(args: string[], killOn?: string): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/message-child.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killOn && out.split('\n').some((line) => line.startsWith(killOn))) child.kill('SIGKILL');
    });
    child.on('error', fail);
    child.on('close', (_code, signal) => done({ lines: out.split('\n').filter((line) => line !== ''), signal }));
  });
}

describe('"once" survives a crash', () => {
  it('a process killed with SIGKILL right after a delivery does not deliver it again after restart', async () => {
    const dir = tempDir('trayside-crash-');
    const key = makeTestKey();
    const now = Date.now();
    const manifest = testManifest(now, {
      messages: [testMessage({ campaignId: 'once-only', urgency: 'urgent', caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 } })],
    });
    const envelopeFile = join(dir, 'envelope.json');
    writeFileSync(envelopeFile, JSON.stringify(signManifest(key, manifest)));
    const storage = join(dir, 'state');

    const crashed = await runChild([storage, envelopeFile, key.publicKeyBase64], 'delivered');
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.lines).toContain('delivered once-only@1');

    const restarted = await runChild([storage, envelopeFile, key.publicKeyBase64]);
    expect(restarted.lines.filter((line) => line.startsWith('delivered'))).toEqual([]);
    // Still in the inbox (delivered once), just not delivered again.
    expect(restarted.lines).toContain('inbox ["once-only@1"]');
  }, 60_000);
});
