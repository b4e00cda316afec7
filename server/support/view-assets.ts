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

/** The one build script of the backend's web views; it takes the view's name. */
const BUILD_SCRIPT = 'scripts/build-web-view.mjs';
/** What every view's bundle is also made of. */
const SHARED_SOURCES = ['server/view-kit', BUILD_SCRIPT];

/** Where a web view's browser bundle comes from: the view's name (server/<view>/ → out/<view>/), its other sources and served files. */
export interface ViewBundle {
  view: 'support-view' | 'dashboard-view';
  /** Folders and files (from the root), besides the view's own folder and the kit, whose change makes the bundle stale. */
  sources: readonly string[];
  files: Readonly<Record<string, string>>;
}

const SUPPORT_BUNDLE: ViewBundle = { view: 'support-view', sources: ['common/diagnostics'], files: SUPPORT_VIEW_FILES };

/** The repository (or installed package) root: the first folder up from here that has the build script or its output. */
function findRootSync(bundle: ViewBundle): string {
  let folder = import.meta.dirname;
  for (;;) {
    if (existsSync(path.join(folder, BUILD_SCRIPT)) || existsSync(path.join(folder, 'out', bundle.view))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder)
      throw new Error(
        `Cannot find out/${bundle.view} or ${BUILD_SCRIPT} above ${import.meta.dirname}; run \`node ${BUILD_SCRIPT} ${bundle.view}\` in the repository.`,
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
 * A web view's browser bundle (e.g. server/support-view/, built by esbuild into out/support-view/).
 * In a checkout the bundle is (re)built the first time the view is asked for when it is missing or
 * older than its sources; an installed server without sources serves what was built.
 */
export class ViewAssets {
  private ready: Promise<Map<string, Buffer>> | undefined;

  constructor(private readonly bundle: ViewBundle) {}

  /** The named built file, or undefined when there is no such file. */
  async file(name: string): Promise<Buffer | undefined> {
    this.ready ??= this.load().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return (await this.ready).get(name);
  }

  private async load(): Promise<Map<string, Buffer>> {
    const { view, files: served } = this.bundle;
    const root = findRootSync(this.bundle);
    const output = path.join(root, 'out', view);
    const sources = [path.join('server', view), ...this.bundle.sources, ...SHARED_SOURCES].map((source) => path.join(root, source));
    const built = Math.min(
      ...Object.keys(served).map((name) => statSync(path.join(output, name), { throwIfNoEntry: false })?.mtimeMs ?? 0),
    );
    if (existsSync(path.join(root, BUILD_SCRIPT)) && built <= Math.max(...sources.map(newestMtimeSync))) {
      await run(process.execPath, [path.join(root, BUILD_SCRIPT), view], { cwd: root, timeout: 120_000 });
    }
    const files = new Map<string, Buffer>();
    for (const name of Object.keys(served)) files.set(name, await readFile(path.join(output, name)));
    return files;
  }
}

/** The support view's bundle (server/support-view/). */
export class SupportViewAssets extends ViewAssets {
  constructor() {
    super(SUPPORT_BUNDLE);
  }
}
