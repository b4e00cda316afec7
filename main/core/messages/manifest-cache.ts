import { join } from 'node:path';
import { z } from 'zod';
import { SignedEnvelopeSchema, type SignedEnvelope } from '../../../common/messages/index.js';
import { readFileIfExists, writeFileAtomicSync } from './durable-file.js';

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
  load(): CachedManifest | undefined;
  save(entry: { envelope: SignedEnvelope; etag: string | null; url: string; receivedAt: number }): void;
}

/** A cache in `dir/manifest.json`, replaced atomically. A damaged file reads as empty (the next poll refills it). */
export function createManifestCache(dir: string): ManifestCache {
  const path = join(dir, 'manifest.json');
  return {
    load() {
      const text = readFileIfExists(path);
      if (text === undefined) return undefined;
      try {
        const parsed = CachedManifestSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    save(entry) {
      writeFileAtomicSync(path, JSON.stringify(entry));
    },
  };
}
