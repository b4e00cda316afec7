import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';

const SavedSchema = z.object({
  installId: z.string(),
  segments: z.array(z.string().max(100)).max(200),
  fetchedAt: z.number(),
  // Absent in files written before conditional checks: such an answer is checked again at start.
  etag: z.string().max(200).optional(),
  checkedAt: z.number().optional(),
});
/** The last answer of the backend as kept in `crm-segments.json`. */
export type SavedCrmSegments = z.infer<typeof SavedSchema>;

/** The file that keeps the last CRM segments answer across restarts (crm-segments.ts). */
export interface CrmSegmentsFile {
  /** The kept answer of this install, if there is a readable one; a damaged file is set aside. */
  loadSync(): SavedCrmSegments | undefined;
  /** Writes after any write or removal still running; a failure is logged once per distinct problem, never thrown. */
  write(saved: SavedCrmSegments): Promise<void>;
  /** Deletes the file after any write still running, so a write that began before cannot bring it back. */
  remove(): void;
}

/** The segments file at `path`, for the install `installId`. */
export function openCrmSegmentsFile(path: string, installId: string, log: (message: string) => void): CrmSegmentsFile {
  /** The last write problem, so a disk that stays full is reported once, not at every check. */
  let writeProblem: string | undefined;
  let saving: Promise<void> = Promise.resolve();

  const save = async (next: SavedCrmSegments): Promise<void> => {
    try {
      await writeFileAtomic(path, JSON.stringify(next));
      writeProblem = undefined;
    } catch (error) {
      const problem = describeFsError(error);
      if (problem !== writeProblem)
        log(`messages: cannot write the CRM segments at ${path} (${problem}) — targeting uses them until a restart`);
      writeProblem = problem;
    }
  };

  return {
    // Blocking, once, at start-up: targeting on the segments must not flip after the first evaluation.
    loadSync() {
      const found = readOwnedFileSync(path);
      if (found.kind === 'unreadable') {
        writeProblem = describeFsError(found.error);
        log(`messages: cannot read the CRM segments at ${path} (${writeProblem}) — they are fetched again after the next poll`);
        return undefined;
      }
      if (found.kind !== 'read') return undefined;
      let saved: ReturnType<typeof SavedSchema.safeParse> | undefined;
      try {
        saved = SavedSchema.safeParse(JSON.parse(found.text));
      } catch {
        saved = undefined;
      }
      // A file from another install id (a copied profile) is not this owner's.
      if (saved?.success) return saved.data.installId === installId ? saved.data : undefined;
      const aside = setAsideDamagedSync(path, 'move');
      log(
        `messages: the saved CRM segments at ${path} are damaged; ${aside ? `kept them as ${aside}; ` : ''}they are fetched again after the next poll`,
      );
      return undefined;
    },
    async write(next) {
      saving = saving.then(() => save(next));
      await saving;
    },
    remove() {
      saving = saving.then(() =>
        rm(path, { force: true }).catch((error: unknown) => {
          // The owner withdrew consent: say plainly that the old answer could not be deleted.
          log(`messages: cannot delete the CRM segments at ${path} (${describeFsError(error)}); they are no longer used`);
        }),
      );
    },
  };
}
