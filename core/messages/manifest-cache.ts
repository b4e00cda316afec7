import { join } from 'node:path';
import { z } from 'zod';
import { SignedEnvelopeSchema, type SignedEnvelope } from '../../common/messages/index.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from '../storage/owned-file.js';
import { describeError } from '../../common/errors.js';

/** What is kept on disk: the signed envelope exactly as received (re-verified on load), its ETag and when it came. */
const CachedManifestSchema = z.object({
  envelope: SignedEnvelopeSchema,
  etag: z.string().max(500).nullable(),
  /** The URL it was fetched from, so a changed backend or locale does not reuse a stale ETag. */
  url: z.string(),
  receivedAt: z.number(),
});
export type CachedManifest = z.infer<typeof CachedManifestSchema>;

/** The last good manifest on disk, so messages work offline and after a restart. */
export interface ManifestCache {
  /** Reads the cache, blocking: once at start-up, so messages show offline from the first frame. */
  loadSync(): CachedManifest | undefined;
  /** Replaces the cache without blocking; resolves when it is on disk or the failure was logged (never rejects). */
  save(entry: { envelope: SignedEnvelope; etag: string | null; url: string; receivedAt: number }): Promise<void>;
}

/**
 * A cache in `dir/manifest.json`, replaced atomically. A damaged file is logged and kept aside as
 * `manifest.json.damaged-<time>` (the next poll refills the cache); a cache that cannot be written
 * is logged once and messages go on from memory.
 */
export function createManifestCache(dir: string, log: (message: string) => void = () => undefined): ManifestCache {
  const path = join(dir, 'manifest.json');
  let writeProblem: string | undefined;
  return {
    loadSync() {
      const found = readOwnedFileSync(path);
      if (found.kind === 'missing') return undefined;
      if (found.kind === 'unreadable') {
        log(`messages: cannot read the saved manifest at ${path} (${describeFsError(found.error)}) — messages wait for the server`);
        return undefined;
      }
      let problem: string;
      try {
        const parsed = CachedManifestSchema.safeParse(JSON.parse(found.text));
        if (parsed.success) return parsed.data;
        problem = parsed.error.issues[0]?.message ?? 'not a saved manifest';
      } catch (error) {
        problem = found.text.trim() === '' ? 'empty' : describeError(error);
      }
      const aside = setAsideDamagedSync(path, 'move');
      log(
        `messages: the saved manifest at ${path} is damaged (${problem}); ${aside ? `kept it as ${aside}; ` : ''}messages wait for the server`,
      );
      return undefined;
    },
    async save(entry) {
      try {
        await writeFileAtomic(path, JSON.stringify(entry));
        writeProblem = undefined;
      } catch (error) {
        const problem = describeFsError(error);
        if (problem !== writeProblem)
          log(
            `messages: cannot write the manifest cache at ${path} (${problem}) — messages work now, but an offline restart starts without them`,
          );
        writeProblem = problem;
      }
    },
  };
}
