// Every file the core owns, under every fault a fresh or damaged machine can hand it: start-up goes
// on, the log names the file and the problem, the other files keep their data, and a damaged file
// is kept aside as `<name>.damaged-<time>` rather than overwritten.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../../common/branding.js';
import type { DeviceEvent } from '../../../common/events.js';
import { DEFAULT_SETTINGS } from '../../../common/settings.js';
import { createCore, type Core } from '../../../core/core.js';
import { DurableQueue } from '../../../core/events/durable-queue.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { FakeTime } from '../../support/fake-time.js';
import { makeTestKey, signManifest, testManifest } from '../../support/manifests.js';
import { testCoreOptions } from '../../support/test-core.js';

/**
 * "Read-only" cannot be made with chmod here: the tests run as root, and root writes a 0444 file
 * or a 0555 folder anyway. So the read-only kind is injected at the storage seam: node:fs and
 * node:fs/promises refuse, with the EACCES a non-root owner gets, every open for writing (and every
 * copy, rename and delete) inside the folders listed in `readOnly.dirs`. Reads still work, as they
 * do on a read-only folder. The other kinds are real files on disk.
 */
const readOnly = vi.hoisted(() => ({ dirs: new Set<string>() }));
const WRITE_FLAGS = /[wa+]/;
function refuse(path: unknown, flags: unknown = 'w'): void {
  if (typeof path !== 'string' || (typeof flags === 'string' && !WRITE_FLAGS.test(flags))) return;
  if (![...readOnly.dirs].some((dir) => resolve(path).startsWith(`${dir}/`))) return;
  throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES', errno: -13, syscall: 'open', path });
}
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const wrapped = {
    ...fs,
    openSync: (path: string, flags: string = 'r', mode?: number) => (refuse(path, flags), fs.openSync(path, flags, mode)),
    copyFileSync: (from: string, to: string, mode?: number) => (refuse(to), fs.copyFileSync(from, to, mode)),
    renameSync: (from: string, to: string) => (refuse(to), fs.renameSync(from, to)),
    rmSync: (path: string, options?: import('node:fs').RmOptions) => (refuse(path), fs.rmSync(path, options)),
  };
  return { ...wrapped, default: wrapped };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const wrapped = {
    ...fs,
    open: async (path: string, flags: string = 'r', mode?: number) => (refuse(path, flags), fs.open(path, flags, mode)),
    rename: async (from: string, to: string) => (refuse(to), fs.rename(from, to)),
  };
  return { ...wrapped, default: wrapped };
});

const START = Date.UTC(2026, 5, 1, 10, 0);
const key = makeTestKey();
const INSTALL = '11111111-2222-4333-8444-555555555555';
const EVENTS_INSTALL = '66666666-7777-4888-8999-aaaaaaaaaaaa';
const SEEDED_EVENT = '00000000-0000-4000-8000-00000000beef';

interface OwnedFile {
  /** Relative to the data dir, as both hosts lay it out (host/cli.ts, main/index.ts). */
  path: string;
  /** The good content put there before start; `marker` must still be in it afterwards. */
  seed: (dir: string) => Promise<void>;
  marker: string;
  /** An append-only log: empty is a valid, empty store, not damage. */
  emptyIsValid?: boolean;
  /** An old install id file (core/install-identity.ts migrates it into <data>/install.json); checked with messages off, as before. */
  withoutMessages?: boolean;
}

const writeSeed = (relative: string, text: string) => async (dir: string) => {
  mkdirSync(dirname(join(dir, relative)), { recursive: true });
  writeFileSync(join(dir, relative), text);
};

const OWNED: OwnedFile[] = [
  {
    path: 'messages/install.json',
    seed: writeSeed('messages/install.json', JSON.stringify({ installId: INSTALL, installedAt: START - 86_400_000 })),
    marker: INSTALL,
  },
  {
    path: 'messages/ledger.jsonl',
    seed: writeSeed(
      'messages/ledger.jsonl',
      `${JSON.stringify({ type: 'delivered', at: START - 1000, campaignId: 'seeded-campaign', messageId: 'seeded@1', category: 'supplies', notified: false })}\n`,
    ),
    marker: 'seeded-campaign',
    emptyIsValid: true,
  },
  {
    path: 'messages/manifest.json',
    seed: writeSeed(
      'messages/manifest.json',
      JSON.stringify({
        envelope: signManifest(key, testManifest(START - 1000)),
        etag: '"seeded-etag"',
        url: 'http://127.0.0.1:9/v1/manifests/trayside-demo/en',
        receivedAt: START - 1000,
      }),
    ),
    marker: 'seeded-etag',
  },
  {
    path: 'messages/supply-history.json',
    seed: writeSeed(
      'messages/supply-history.json',
      JSON.stringify({ version: 1, supplies: { 'seeded-device\u0000cyan': [[START - 3_600_000, 42]] } }),
    ),
    marker: 'seeded-device',
  },
  {
    path: 'messages/crm-segments.json',
    seed: writeSeed(
      'messages/crm-segments.json',
      JSON.stringify({ installId: INSTALL, segments: ['seeded-segment'], fetchedAt: START - 1000 }),
    ),
    marker: 'seeded-segment',
  },
  {
    path: 'events/events.log',
    seed: async (dir) => {
      mkdirSync(join(dir, 'events'), { recursive: true });
      const queue = await DurableQueue.open(join(dir, 'events/events.log'));
      const event = {
        type: 'impression',
        id: SEEDED_EVENT,
        at: new Date(START - 1000).toISOString(),
        campaignId: 'seeded-campaign',
        variantId: 'a',
        messageId: 'seeded@1',
      } as DeviceEvent;
      await queue.enqueue(event);
      await queue.close();
    },
    marker: SEEDED_EVENT,
    emptyIsValid: true,
  },
  { path: 'events/install-id', seed: writeSeed('events/install-id', `${EVENTS_INSTALL}\n`), marker: EVENTS_INSTALL, withoutMessages: true },
];

type FaultKind = 'missing' | 'empty' | 'truncated' | 'garbage' | 'read-only' | 'directory' | 'folder is a file';

interface Fault {
  kind: FaultKind;
  /** Changes the file (after every file was seeded); answers the bytes a damaged copy must hold, if one is due. */
  apply: (file: string, owned: OwnedFile) => string | undefined;
  /** What the log line names besides the path; undefined: nothing needs saying. */
  problem: (owned: OwnedFile) => RegExp | undefined;
}

const DAMAGED = /damaged|unreadable|no readable record/;
const FAULTS: Fault[] = [
  { kind: 'missing', apply: (file) => (rmSync(file), undefined), problem: () => undefined },
  {
    kind: 'empty',
    apply: (file, owned) => (writeFileSync(file, ''), owned.emptyIsValid ? undefined : ''),
    problem: (owned) => (owned.emptyIsValid ? undefined : DAMAGED),
  },
  {
    kind: 'truncated',
    apply: (file) => {
      const text = readFileSync(file, 'utf8');
      const cut = text.slice(0, Math.floor(text.length / 2));
      writeFileSync(file, cut);
      return cut;
    },
    problem: () => DAMAGED,
  },
  {
    kind: 'garbage',
    apply: (file) => {
      const junk = '\u0000\u00ff{{ not what was written ]]\n\u0007';
      writeFileSync(file, junk);
      return junk;
    },
    problem: () => DAMAGED,
  },
  {
    kind: 'read-only',
    apply: (file) => {
      readOnly.dirs.add(dirname(file));
      return undefined;
    },
    // The logs are opened for appending at start, so they must say so at once; a good JSON file in a
    // read-only folder is only read at start, and its store says so at its first write.
    problem: (owned) => (owned.emptyIsValid ? /EACCES: read-only/ : undefined),
  },
  {
    kind: 'directory',
    apply: (file) => {
      rmSync(file);
      mkdirSync(file);
      writeFileSync(join(file, 'keep-me'), 'not the app’s');
      return undefined;
    },
    problem: () => /EISDIR/,
  },
  {
    kind: 'folder is a file',
    apply: (file) => {
      rmSync(dirname(file), { recursive: true });
      writeFileSync(dirname(file), 'a file where the folder should be');
      return undefined;
    },
    problem: () => /ENOTDIR|EEXIST/,
  },
];

let core: Core | undefined;
let dataDir = '';
afterEach(() => {
  core?.dispose();
  core = undefined;
  readOnly.dirs.clear();
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  dataDir = '';
});

const refusedFetch = async (): Promise<Response> => {
  throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
};

async function startCore(dir: string, withMessages: boolean, log: string[]): Promise<Core> {
  const time = new FakeTime(START);
  const branding = BrandingSchema.parse({
    name: 'Test',
    backendUrl: 'http://127.0.0.1:9',
    signingKeys: [key.publicKeyBase64],
    productLine: 'trayside-demo',
  });
  // Consent that covers events and segments, so that neither is deleted as the owner's choice.
  const settingsStorage = memorySettingsStorage({ ...DEFAULT_SETTINGS, consent: 'anonymous-usage', locale: 'en' });
  core = createCore(
    testCoreOptions(time, {
      settingsStorage,
      log: (line) => log.push(line),
      branding,
      dataDir: dir,
      fetch: refusedFetch,
      features: { messages: withMessages },
    }),
  );
  await core.start();
  await core.engagement;
  await time.advance(0);
  return core;
}

describe('start-up with missing, damaged or unwritable files', () => {
  for (const owned of OWNED) {
    for (const fault of FAULTS) {
      it(`${owned.path}: ${fault.kind}`, async () => {
        dataDir = mkdtempSync(join(tmpdir(), 'trayside-owned-'));
        for (const each of OWNED) await each.seed(dataDir);
        const file = join(dataDir, owned.path);
        const damagedBytes = fault.apply(file, owned);
        const log: string[] = [];

        await expect(startCore(dataDir, !owned.withoutMessages, log)).resolves.toBeDefined();

        // The one line that says what cannot be used, and where.
        const problem = fault.problem(owned);
        if (problem) {
          const where = fault.kind === 'folder is a file' ? dirname(file) : file;
          const line = log.find((entry) => entry.includes(where) && problem.test(entry));
          expect(line, `a log line naming ${where} and ${problem}; got:\n${log.join('\n')}`).toBeDefined();
        }

        // Nothing else lost: every other file still holds what was seeded.
        const sameFolder = (other: OwnedFile) => dirname(other.path) === dirname(owned.path);
        for (const other of OWNED) {
          if (other === owned || (fault.kind === 'folder is a file' && sameFolder(other))) continue;
          if (other.withoutMessages !== owned.withoutMessages && other.path.startsWith('messages/')) continue;
          expect(readFileSync(join(dataDir, other.path), 'utf8'), `${other.path} after ${owned.path} was ${fault.kind}`).toContain(
            other.marker,
          );
        }

        // The damaged file itself is kept, never silently overwritten.
        if (damagedBytes !== undefined) {
          const folder = dirname(file);
          const copies = readdirSync(folder).filter((name) => name.startsWith(`${owned.path.split('/').pop()!}.damaged-`));
          expect(copies, `a damaged copy of ${owned.path} in ${readdirSync(folder).join(', ')}`).toHaveLength(1);
          expect(readFileSync(join(folder, copies[0]!), 'utf8')).toBe(damagedBytes);
        }
        if (fault.kind === 'read-only') expect(readFileSync(file, 'utf8')).toContain(owned.marker);
        if (fault.kind === 'directory') expect(readFileSync(join(file, 'keep-me'), 'utf8')).toBe('not the app’s');
        if (fault.kind === 'folder is a file') expect(statSync(dirname(file)).isFile()).toBe(true);
      });
    }
  }
});
