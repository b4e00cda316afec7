import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { describeFsError, readOwnedFile, setAsideDamaged, writeFileAtomicSync } from './durable-file.js';

const InstallSchema = z.object({ installId: z.string().min(8).max(64), installedAt: z.number() });
/** The install's random id (A/B buckets, engagement events) and when it was first started (days since install). */
export type InstallRecord = z.infer<typeof InstallSchema>;

/**
 * Reads `dir/install.json`, or makes and saves a fresh record. A damaged file is kept aside as
 * `install.json.damaged-<time>` and replaced (only A/B buckets and days-since-install reset); a
 * file that cannot be read or written leaves an id for this run only, said in one line.
 */
export function loadInstallRecord(dir: string, now: number, log: (message: string) => void): InstallRecord {
  const path = join(dir, 'install.json');
  const found = readOwnedFile(path);
  const fresh = { installId: randomUUID(), installedAt: now };
  if (found.kind === 'unreadable') {
    log(`messages: cannot read the install id at ${path} (${describeFsError(found.error)}) — using a new one for this run, so A/B variants may change on restart`);
    return fresh;
  }
  if (found.kind === 'read') {
    try {
      const parsed = InstallSchema.safeParse(JSON.parse(found.text));
      if (parsed.success) return parsed.data;
    } catch {
      // damaged: below
    }
    const aside = setAsideDamaged(path, 'move');
    log(`messages: the install id at ${path} is damaged; ${aside ? `kept it as ${aside}; ` : ''}made a new one`);
  }
  try {
    writeFileAtomicSync(path, JSON.stringify(fresh));
  } catch (error) {
    log(`messages: cannot write the install id at ${path} (${describeFsError(error)}) — using it for this run only, so A/B variants may change on restart`);
  }
  return fresh;
}
