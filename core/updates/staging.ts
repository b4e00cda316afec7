import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  compareVersions,
  ReleaseIdSchema,
  UpdateFileSchema,
  VersionSchema,
  type UpdateFile,
  type UpdateRelease,
} from '../../common/updates.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { sha512OfFile } from './download.js';

/**
 * A downloaded, verified installer waiting for the next launch. A tray app runs until the machine
 * shuts down, so there is no "quit to install" moment on Windows: the update is installed when
 * the app starts next, before the tray appears.
 *
 * Layout under the updates folder: `staged.json` (this record) and `files/<name>` (the installer,
 * while it downloads `files/<name>.partial`).
 */
const StagedRecordSchema = z.strictObject({
  releaseId: ReleaseIdSchema,
  version: VersionSchema,
  file: UpdateFileSchema,
  stagedAt: z.number(),
});
export type StagedRecord = z.infer<typeof StagedRecordSchema>;

/** A staged installer whose bytes were checked again just now. */
export interface StagedUpdate extends StagedRecord {
  path: string;
}

/** Where the staged installer and its record live. */
export class UpdateStaging {
  constructor(
    readonly folder: string,
    private readonly log: (message: string) => void,
  ) {}

  private get recordPath(): string {
    return join(this.folder, 'staged.json');
  }

  /** Where a file of a release is downloaded to. */
  async destinationFor(file: UpdateFile): Promise<string> {
    await mkdir(join(this.folder, 'files'), { recursive: true });
    return join(this.folder, 'files', file.name);
  }

  /** Records a verified download for the next launch, and removes any other installer staged before. */
  async stage(release: UpdateRelease, file: UpdateFile, now: number): Promise<void> {
    const record: StagedRecord = { releaseId: release.releaseId, version: release.version, file, stagedAt: now };
    await writeFileAtomic(this.recordPath, JSON.stringify(record));
    await this.removeFilesExcept(file.name);
  }

  /** The staged record as written, without checking the file (for "downloaded, installs on next start"). */
  async peek(): Promise<StagedRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordPath, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = StagedRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * At launch: the staged update to install, after hashing the installer again (it sat on disk
   * since it was downloaded and anything with write access to the folder could have changed it).
   * A record for this version or an older one means it is installed: everything is cleared. A
   * damaged record or a changed file is cleared and said in the log.
   */
  async takeForLaunch(appVersion: string): Promise<StagedUpdate | undefined> {
    const record = await this.peek();
    if (!record) {
      if (await this.hasRecordFile()) {
        this.log('updates: the staged update record is damaged; cleared it (the next check downloads again)');
        await this.clear();
      }
      return undefined;
    }
    if (compareVersions(record.version, appVersion) <= 0) {
      await this.clear();
      return undefined;
    }
    const path = join(this.folder, 'files', record.file.name);
    let digest: string;
    try {
      digest = await sha512OfFile(path);
    } catch (error) {
      this.log(`updates: the staged installer ${path} cannot be read (${describeFsError(error)}); cleared it`);
      await this.clear();
      return undefined;
    }
    if (digest !== record.file.sha512) {
      this.log(`updates: the staged installer ${path} changed after it was verified; deleted it instead of installing it`);
      await this.clear();
      return undefined;
    }
    return { ...record, path };
  }

  /** Removes the record and every staged file. */
  async clear(): Promise<void> {
    await rm(this.recordPath, { force: true });
    await this.removeFilesExcept(undefined);
  }

  private async hasRecordFile(): Promise<boolean> {
    try {
      await readFile(this.recordPath);
      return true;
    } catch {
      return false;
    }
  }

  private async removeFilesExcept(keep: string | undefined): Promise<void> {
    const folder = join(this.folder, 'files');
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (name !== keep) await rm(join(folder, name), { force: true, recursive: true });
    }
  }
}
