import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { UploadRecordSchema, type UploadRecord } from './upload-record.js';

/**
 * Where the upload queue keeps its uploads: per upload a record (`<id>.json`) and, until it is
 * sent, its gzip body (`<id>.json.gz`). Without a folder, or when a write fails, a body waits in
 * memory until the app quits: a disk problem delays an upload, it never loses one this run.
 */
export interface UploadFolder {
  /** The records of earlier runs (damaged or unreadable ones are logged and left out); undefined without a usable folder. */
  loadRecords(): Promise<UploadRecord[] | undefined>;
  saveRecord(record: UploadRecord): Promise<void>;
  removeRecord(id: string): Promise<void>;
  /** Keeps the body on disk, or in memory when that fails. */
  keepBody(id: string, body: Uint8Array): Promise<void>;
  /** The body, or undefined when it is missing or unreadable. */
  readBody(id: string): Promise<Uint8Array | undefined>;
  dropBody(id: string): Promise<void>;
}

/** The upload folder in `dir`; undefined keeps everything in memory (lost on quit). */
export function openUploadFolder(dir: string | undefined, log: (message: string) => void): UploadFolder {
  /** Bodies of queued uploads when there is no folder (and while the first write runs). */
  const bodies = new Map<string, Uint8Array>();
  const recordPath = (id: string): string => join(dir!, `${id}.json`);
  const bodyPath = (id: string): string => join(dir!, `${id}.json.gz`);

  return {
    async loadRecords() {
      if (!dir) return undefined;
      let names: string[] = [];
      try {
        await mkdir(dir, { recursive: true });
        names = await readdir(dir);
      } catch (error) {
        log(`diagnostics: cannot open the upload folder ${dir} (${describeFsError(error)}) — uploads wait in memory this run`);
        return undefined;
      }
      const records: UploadRecord[] = [];
      for (const name of names) {
        if (!/^[0-9a-f-]{36}\.json$/.test(name)) continue;
        try {
          const parsed = UploadRecordSchema.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
          if (parsed.success) records.push(parsed.data);
          else log(`diagnostics: ignored the damaged upload record ${name}`);
        } catch {
          log(`diagnostics: ignored the unreadable upload record ${name}`);
        }
      }
      return records;
    },
    async saveRecord(record) {
      if (!dir) return;
      try {
        await writeFileAtomic(recordPath(record.id), JSON.stringify(record));
      } catch (error) {
        log(`diagnostics: cannot save the upload record in ${dir} (${describeFsError(error)}) — it is kept until the app quits`);
      }
    },
    async removeRecord(id) {
      if (dir) await rm(recordPath(id), { force: true }).catch(() => undefined);
    },
    async keepBody(id, body) {
      bodies.set(id, body);
      if (!dir) return;
      try {
        await writeFileAtomic(bodyPath(id), body);
        bodies.delete(id);
      } catch (error) {
        log(`diagnostics: cannot keep the upload on disk in ${dir} (${describeFsError(error)}) — it waits in memory until the app quits`);
      }
    },
    async readBody(id) {
      const held = bodies.get(id);
      if (held || !dir) return held;
      try {
        return await readFile(bodyPath(id));
      } catch {
        return undefined;
      }
    },
    async dropBody(id) {
      bodies.delete(id);
      if (dir) await rm(bodyPath(id), { force: true }).catch(() => undefined);
    },
  };
}
