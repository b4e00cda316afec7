import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readFile, readdir, readlink, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * A static export for nginx or a CDN origin. DIR is a symbolic link to the newest complete copy
 * (`.<name>.v<time>-<random>` beside it): a new copy is written in full, then the link is swapped
 * with one rename, so a server reading DIR sees the old export or the new one, never half of one.
 *
 * Unchanged files are hard links to the previous copy's, so they keep their modification time and
 * a static server's ETag (nginx: mtime and size) stays the same: the fleet's conditional polls keep
 * getting 304. A manifest whose content is unchanged keeps its old signed bytes until the copy is
 * `renewAfterMs` old, well before the app's own renewal point (half its validity), so a renewal
 * costs each install one download every few days rather than one a day.
 */

/** One file of an export; `meta` is set for manifests. */
export interface ExportEntry {
  /** Relative, with forward slashes (`v1/manifests/line/de-DE`). */
  path: string;
  body: Buffer;
  meta?: ManifestMeta;
}

/** What decides whether a manifest's old bytes may stay. */
export interface ManifestMeta {
  /** Content hash from the server (key, version, messages; not the dates). */
  etag: string;
  issuedAtMs: number;
}

const INDEX_FILE = '.trayside-export.json';

const IndexSchema = z.object({
  files: z.record(z.string(), z.object({ size: z.number(), etag: z.string().optional(), issuedAtMs: z.number().optional() })),
});
type ExportIndex = z.infer<typeof IndexSchema>;

/** What one export did. */
export interface ExportResult {
  /** False when nothing changed, so no new copy was made. */
  replaced: boolean;
  written: number;
  kept: number;
  removed: number;
  /** The copy DIR points at now. */
  copy: string;
}

async function previousCopy(dir: string): Promise<{ copy: string; index: ExportIndex } | undefined> {
  let stats;
  try {
    stats = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!stats.isSymbolicLink()) {
    if (stats.isDirectory() && (await readdir(dir)).length === 0) {
      await rmdir(dir);
      return undefined;
    }
    throw new Error(
      `${dir} exists and is not an export link; export keeps DIR as a link to its newest complete copy, so a CDN never sees half an export: remove it or pick another DIR.`,
    );
  }
  const copy = path.resolve(path.dirname(dir), await readlink(dir));
  try {
    return { copy, index: IndexSchema.parse(JSON.parse(await readFile(path.join(copy, INDEX_FILE), 'utf8'))) };
  } catch {
    // A damaged index only costs a full rewrite.
    return { copy, index: { files: {} } };
  }
}

function sameManifest(previous: ExportIndex['files'][string] | undefined, next: ExportEntry, now: number, renewAfterMs: number): boolean {
  if (previous?.etag === undefined || previous.issuedAtMs === undefined || next.meta === undefined) return false;
  return previous.etag === next.meta.etag && (previous.issuedAtMs === next.meta.issuedAtMs || now - previous.issuedAtMs < renewAfterMs);
}

async function sameBytes(file: string, body: Buffer): Promise<boolean> {
  try {
    return (await readFile(file)).equals(body);
  } catch {
    return false;
  }
}

/** Writes `entries` as DIR's new complete copy (see above); old copies but the one before are removed. */
export async function writeExport(
  dir: string,
  entries: readonly ExportEntry[],
  options: { now: number; renewAfterMs: number },
): Promise<ExportResult> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const name = path.basename(target);
  await mkdir(parent, { recursive: true });
  const previous = await previousCopy(target);
  const plan: { entry: ExportEntry; keep: boolean }[] = [];
  for (const entry of entries) {
    const before = previous?.index.files[entry.path];
    const old = previous === undefined ? undefined : path.join(previous.copy, entry.path);
    const keep =
      old !== undefined &&
      before !== undefined &&
      (sameManifest(before, entry, options.now, options.renewAfterMs) ||
        (before.size === entry.body.length && (await sameBytes(old, entry.body))));
    plan.push({ entry, keep });
  }
  const paths = new Set(entries.map((entry) => entry.path));
  const removed = previous === undefined ? 0 : Object.keys(previous.index.files).filter((file) => !paths.has(file)).length;
  const written = plan.filter((item) => !item.keep).length;
  if (previous !== undefined && written === 0 && removed === 0)
    return { replaced: false, written: 0, kept: plan.length, removed: 0, copy: previous.copy };

  const copyName = `.${name}.v${options.now}-${randomBytes(4).toString('hex')}`;
  const copy = path.join(parent, copyName);
  const index: ExportIndex = { files: {} };
  try {
    for (const { entry, keep } of plan) {
      const file = path.join(copy, entry.path);
      await mkdir(path.dirname(file), { recursive: true });
      const before = previous?.index.files[entry.path];
      if (keep && previous !== undefined && before !== undefined) {
        await link(path.join(previous.copy, entry.path), file);
        index.files[entry.path] = before;
      } else {
        await writeFile(file, entry.body, { mode: 0o644 });
        index.files[entry.path] = {
          size: entry.body.length,
          ...(entry.meta === undefined ? {} : { etag: entry.meta.etag, issuedAtMs: entry.meta.issuedAtMs }),
        };
      }
    }
    await writeFile(path.join(copy, INDEX_FILE), JSON.stringify(index));
    const pending = path.join(parent, `.${name}.link-${randomBytes(4).toString('hex')}`);
    await symlink(copyName, pending);
    await rename(pending, target);
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    throw error;
  }
  // Keep the copy before this one a while: a request that opened DIR a moment ago may still read it.
  const keepNames = new Set([copyName, ...(previous === undefined ? [] : [path.basename(previous.copy)])]);
  for (const other of await readdir(parent)) {
    if (other.startsWith(`.${name}.v`) && !keepNames.has(other)) await rm(path.join(parent, other), { recursive: true, force: true });
  }
  return { replaced: true, written, kept: plan.length - written, removed, copy };
}
