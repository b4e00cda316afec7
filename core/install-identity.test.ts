import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInstallIdentitySync } from './install-identity.js';

const NOW = Date.UTC(2026, 5, 1, 10, 0);
const DAY = 86_400_000;
const MESSAGES_ID = '11111111-2222-4333-8444-555555555555';
const EVENTS_ID = '66666666-7777-4888-8999-aaaaaaaaaaaa';
const CREDENTIAL = /^ts_install_[A-Za-z0-9_-]{43}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** A data folder laid out as both hosts lay it out: messages/ and events/. */
function dataDir(): { kept: string; messagesFile: string; eventsFile: string } {
  dir = mkdtempSync(join(tmpdir(), 'trayside-install-'));
  mkdirSync(join(dir, 'messages'));
  mkdirSync(join(dir, 'events'));
  return {
    kept: join(dir, 'install.json'),
    messagesFile: join(dir, 'messages', 'install.json'),
    eventsFile: join(dir, 'events', 'install-id'),
  };
}

const keptId = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('one install identity', () => {
  it('makes a random v4 id on first start and gives the same one on the next start', () => {
    const files = dataDir();
    const first = loadInstallIdentitySync({ path: files.kept, now: NOW, log: () => undefined });
    expect(first.installId).toMatch(UUID_V4);
    expect(first.installedAt).toBe(NOW);
    expect(first.credential).toMatch(CREDENTIAL);
    expect(loadInstallIdentitySync({ path: files.kept, now: NOW + DAY, log: () => undefined })).toEqual(first);
  });

  it("migrates the messages' old install.json: same id, same first-start day, the old file left as it was", () => {
    const files = dataDir();
    const old = JSON.stringify({ installId: MESSAGES_ID, installedAt: NOW - 30 * DAY });
    writeFileSync(files.messagesFile, old);
    const log: string[] = [];
    const identity = loadInstallIdentitySync({
      path: files.kept,
      legacy: [files.messagesFile, files.eventsFile],
      now: NOW,
      log: (line) => log.push(line),
    });
    expect(identity).toEqual({ installId: MESSAGES_ID, installedAt: NOW - 30 * DAY, credential: expect.stringMatching(CREDENTIAL) });
    expect(keptId(files.kept)).toEqual(identity);
    expect(readFileSync(files.messagesFile, 'utf8')).toBe(old);
    expect(log).toEqual([`install id: kept the install id from ${files.messagesFile} in ${files.kept}`]);
  });

  it("migrates the events' old install-id file (the bare id on one line)", () => {
    const files = dataDir();
    writeFileSync(files.eventsFile, `${EVENTS_ID}\n`);
    const identity = loadInstallIdentitySync({
      path: files.kept,
      legacy: [files.messagesFile, files.eventsFile],
      now: NOW,
      log: () => undefined,
    });
    expect(identity.installId).toBe(EVENTS_ID);
    expect(keptId(files.kept)).toEqual(identity);
    // And from now on the kept file answers, whatever happens to the old one.
    rmSync(files.eventsFile);
    expect(loadInstallIdentitySync({ path: files.kept, legacy: [files.eventsFile], now: NOW + DAY, log: () => undefined })).toEqual(
      identity,
    );
  });

  it('a kept file wins over the old ones', () => {
    const files = dataDir();
    writeFileSync(files.kept, JSON.stringify({ installId: MESSAGES_ID, installedAt: NOW - DAY }));
    writeFileSync(files.eventsFile, `${EVENTS_ID}\n`);
    expect(loadInstallIdentitySync({ path: files.kept, legacy: [files.eventsFile], now: NOW, log: () => undefined }).installId).toBe(
      MESSAGES_ID,
    );
  });

  it('a damaged kept file is set aside and the id recovered from an old file; a damaged old file is set aside too', () => {
    const files = dataDir();
    writeFileSync(files.kept, '{"installId": "1111');
    writeFileSync(files.messagesFile, 'garbage');
    writeFileSync(files.eventsFile, `${EVENTS_ID}\n`);
    const log: string[] = [];
    const identity = loadInstallIdentitySync({
      path: files.kept,
      legacy: [files.messagesFile, files.eventsFile],
      now: NOW,
      log: (line) => log.push(line),
    });
    expect(identity.installId).toBe(EVENTS_ID);
    expect(readdirSync(dir).filter((name) => name.startsWith('install.json.damaged-'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'messages')).filter((name) => name.startsWith('install.json.damaged-'))).toHaveLength(1);
    expect(log.filter((line) => line.includes('damaged'))).toHaveLength(2);
  });

  it('a directory in the place of the kept file: the old id for this run, said in one line', () => {
    const files = dataDir();
    mkdirSync(files.kept);
    writeFileSync(files.eventsFile, `${EVENTS_ID}\n`);
    const log: string[] = [];
    expect(
      loadInstallIdentitySync({ path: files.kept, legacy: [files.eventsFile], now: NOW, log: (line) => log.push(line) }).installId,
    ).toBe(EVENTS_ID);
    expect(log).toEqual([expect.stringMatching(new RegExp(`${files.kept}.*EISDIR.*for this run`))]);
  });
  it('keeps the credential owner-only (0600) and gives an identity of an earlier version (no credential) one, keeping its id', () => {
    const files = dataDir();
    writeFileSync(files.kept, JSON.stringify({ installId: MESSAGES_ID, installedAt: NOW - DAY }));
    const identity = loadInstallIdentitySync({ path: files.kept, now: NOW, log: () => undefined });
    expect(identity).toEqual({ installId: MESSAGES_ID, installedAt: NOW - DAY, credential: expect.stringMatching(CREDENTIAL) });
    expect(keptId(files.kept)).toEqual(identity);
    expect(statSync(files.kept).mode & 0o777).toBe(0o600);
    // The next start reads the same credential: the one the backend has the hash of.
    expect(loadInstallIdentitySync({ path: files.kept, now: NOW + DAY, log: () => undefined }).credential).toBe(identity.credential);
    expect(loadInstallIdentitySync({ path: join(dir, 'other.json'), now: NOW, log: () => undefined }).credential).not.toBe(
      identity.credential,
    );
  });
});
