import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The built files the support view serves, by name, with their content types. */
export const SUPPORT_VIEW_FILES: Readonly<Record<string, string>> = {
  'support-view.js': 'text/javascript; charset=utf-8',
  'support-view.css': 'text/css; charset=utf-8',
};

const BUILD_SCRIPT = 'scripts/build-support-view.mjs';
const OUTPUT = 'out/support-view';

/** The repository (or installed package) root: the first folder up from here that has the build script or its output. */
function findRootSync(): string {
  let folder = import.meta.dirname;
  for (;;) {
    if (existsSync(path.join(folder, BUILD_SCRIPT)) || existsSync(path.join(folder, OUTPUT))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder)
      throw new Error(
        `Cannot find ${OUTPUT} or ${BUILD_SCRIPT} above ${import.meta.dirname}; run \`node ${BUILD_SCRIPT}\` in the repository.`,
      );
    folder = parent;
  }
}

function newestMtimeSync(target: string): number {
  const info = statSync(target, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtimeSync(path.join(target, entry))), info.mtimeMs);
}

/**
 * The support view's browser bundle (server/support-view/, built by esbuild into out/support-view/).
 * In a checkout the bundle is (re)built the first time the view is asked for when it is missing or
 * older than its sources; an installed server without sources serves what was built.
 */
export class SupportViewAssets {
  private ready: Promise<Map<string, Buffer>> | undefined;

  /** The named built file, or undefined when there is no such file. */
  async file(name: string): Promise<Buffer | undefined> {
    this.ready ??= this.load().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return (await this.ready).get(name);
  }

  private async load(): Promise<Map<string, Buffer>> {
    const root = findRootSync();
    const output = path.join(root, OUTPUT);
    const sources = ['server/support-view', 'common/diagnostics', BUILD_SCRIPT].map((source) => path.join(root, source));
    const built = Math.min(
      ...Object.keys(SUPPORT_VIEW_FILES).map((name) => statSync(path.join(output, name), { throwIfNoEntry: false })?.mtimeMs ?? 0),
    );
    if (existsSync(path.join(root, BUILD_SCRIPT)) && built <= Math.max(...sources.map(newestMtimeSync))) {
      await run(process.execPath, [path.join(root, BUILD_SCRIPT)], { cwd: root, timeout: 120_000 });
    }
    const files = new Map<string, Buffer>();
    for (const name of Object.keys(SUPPORT_VIEW_FILES)) files.set(name, await readFile(path.join(output, name)));
    return files;
  }
}
