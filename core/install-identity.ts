import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { InstallIdSchema } from '../common/events.js';
import { InstallCredentialSchema } from '../common/privacy.js';
import { writeFileAtomicSync } from './storage/atomic-write.js';
import { describeFsError } from './storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from './storage/owned-file.js';

/**
 * The install's identity, one for the whole app: a random UUID v4 made on first start (never
 * derived from hardware, so it names this install and nothing else; a reinstall is a new install)
 * and when that was (days since install). Messages pick A/B variants with it, engagement events
 * carry it, the poll sends it.
 *
 * With it comes the install's credential: 32 random bytes made on the first start that has none
 * (an identity kept by an earlier version gets one on its next start). The backend keeps only its
 * hash (POST /v1/installs at the first upload) and asks for it on every request that speaks for
 * this install, so knowing an install id is not enough to upload as it or read its segments.
 * The file is written owner-only (0600) for that reason.
 *
 * It is kept as `install.json` (`{"installId", "installedAt", "credential"}`). Two earlier stores are read when
 * that file is not there yet, so an existing id is never lost: the messages' `install.json` (same
 * shape) and the events' `install-id` (the bare id on one line). The first good one is copied to
 * the kept file and the old files are left as they were. A damaged file is kept aside as
 * `<name>.damaged-<time>`; a file that cannot be read or written gives an id for this run only,
 * said in one line.
 *
 * Synchronous: it is one small file read once while the app composes itself, before anything else runs.
 */

const RecordSchema = z.object({
  installId: z.string().min(8).max(64),
  installedAt: z.number(),
  credential: InstallCredentialSchema.optional(),
});
/** The install's random id, the epoch ms of its first start, and its secret credential. */
export interface InstallIdentity {
  installId: string;
  installedAt: number;
  credential: string;
}

/** A fresh install credential (common/privacy.ts InstallCredentialSchema). */
export function newInstallCredential(): string {
  return `ts_install_${randomBytes(32).toString('base64url')}`;
}

/** Where the identity is kept, and the older files it may still be in. */
export interface InstallIdentityFiles {
  path: string;
  /** Read in order while `path` holds no good identity; each may be an `install.json` or an `install-id` file. */
  legacy?: readonly string[];
  now: number;
  log: (message: string) => void;
}

type StoredIdentity = z.infer<typeof RecordSchema>;
type Found = { kind: 'ok'; identity: StoredIdentity } | { kind: 'missing' } | { kind: 'damaged' } | { kind: 'unreadable'; error: unknown };

/** Either format: the JSON record, or the events' bare id (its first start is not known: "now"). */
function parseIdentity(text: string, now: number): StoredIdentity | undefined {
  const line = text.trim();
  if (InstallIdSchema.safeParse(line).success) return { installId: line, installedAt: now };
  try {
    const parsed = RecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function readIdentity(path: string, now: number): Found {
  const found = readOwnedFileSync(path);
  if (found.kind !== 'read') return found;
  const identity = parseIdentity(found.text, now);
  return identity ? { kind: 'ok', identity } : { kind: 'damaged' };
}

function setAside(path: string, log: (message: string) => void): void {
  const aside = setAsideDamagedSync(path, 'move');
  log(`install id: the install id at ${path} is damaged; ${aside ? `kept it as ${aside}` : 'could not keep a copy'}`);
}

/** The first good identity among the legacy files. Each is looked at (once: until the kept file exists), so a damaged one is set aside and said. */
function fromLegacy(files: InstallIdentityFiles): { identity: StoredIdentity; from: string } | undefined {
  let first: { identity: StoredIdentity; from: string } | undefined;
  for (const path of files.legacy ?? []) {
    const found = readIdentity(path, files.now);
    if (found.kind === 'ok') first ??= { identity: found.identity, from: path };
    if (found.kind === 'damaged') setAside(path, files.log);
    if (found.kind === 'unreadable') files.log(`install id: cannot read the install id at ${path} (${describeFsError(found.error)})`);
  }
  return first;
}

/** An identity an earlier version kept without a credential gets one, kept in the same file. */
function addCredential(path: string, stored: StoredIdentity, log: (message: string) => void): InstallIdentity {
  const identity: InstallIdentity = { installId: stored.installId, installedAt: stored.installedAt, credential: newInstallCredential() };
  try {
    writeFileAtomicSync(path, JSON.stringify(identity));
  } catch (error) {
    log(
      `install id: cannot write the install credential at ${path} (${describeFsError(error)}) — using one for this run only, so the backend may refuse uploads after a restart`,
    );
  }
  return identity;
}

/**
 * The install identity of an app data folder: `install.json`, migrated from the files earlier
 * versions kept under messages/ and events/. Every host reads it through this, so all agree.
 */
export function loadDataDirInstallIdentitySync(dataDir: string, now: number, log: (message: string) => void): InstallIdentity {
  return loadInstallIdentitySync({
    path: join(dataDir, 'install.json'),
    legacy: [join(dataDir, 'messages', 'install.json'), join(dataDir, 'events', 'install-id')],
    now,
    log,
  });
}

/** Loads the install identity, migrating it from an older file, or makes and keeps a new one. Never throws. */
export function loadInstallIdentitySync(files: InstallIdentityFiles): InstallIdentity {
  const { path, log } = files;
  const kept = readIdentity(path, files.now);
  if (kept.kind === 'ok' && kept.identity.credential !== undefined) return { ...kept.identity, credential: kept.identity.credential };
  if (kept.kind === 'ok') return addCredential(path, kept.identity, log);
  if (kept.kind === 'damaged') setAside(path, log);
  const legacy = fromLegacy(files);
  const found = legacy?.identity ?? { installId: randomUUID(), installedAt: files.now };
  const identity: InstallIdentity = { installId: found.installId, installedAt: found.installedAt, credential: newInstallCredential() };
  if (kept.kind === 'unreadable') {
    log(
      `install id: cannot read the install id at ${path} (${describeFsError(kept.error)}) — using ${legacy ? `the one from ${legacy.from}` : 'a new one'} for this run, so A/B variants may change on restart`,
    );
    return identity;
  }
  try {
    writeFileAtomicSync(path, JSON.stringify(identity));
    if (legacy) log(`install id: kept the install id from ${legacy.from} in ${path}`);
  } catch (error) {
    log(
      `install id: cannot write the install id at ${path} (${describeFsError(error)}) — using it for this run only, so A/B variants may change on restart`,
    );
  }
  return identity;
}
