import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RedactionKind } from '../../common/diagnostics/bundle.js';
import type { LinkResult } from '../../common/contract/actions.js';
import type { DiagnosticsPreview, DiagnosticsState, RedactionChoice } from '../../common/contract/diagnostics.js';
import { TraysideError, type TraysideHandlers } from '../../common/contract/index.js';
import { Emitter, type Clock, type Disposable, type Timers } from '../../common/lifecycle.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { gatherCapture, type CaptureInput } from './capture.js';
import { captureSources, type HostCaptureSources } from './capture-sources.js';
import { loadChoicesSync, saveChoices } from './redaction-choices.js';
import { renderBundle, type RenderedBundle } from './render-bundle.js';
import { openReproMode, type LevelControl } from './repro-mode.js';
import type { Timeline } from './timeline.js';
import { openUploadQueue, UploadError, type DiagnosticsSender } from './upload-queue.js';

/**
 * The owner's side of diagnostics: capture, review, keep/remove choices, export, upload, delete,
 * and repro mode. What is reviewed is what leaves: a capture is rendered to one text, named by
 * its hash, and export and upload take that name and write or send exactly that text.
 */

/** Saves the reviewed text as a file: the Node host writes into a folder, Electron asks with a save dialog. */
export type SaveBundleFile = (suggestedName: string, text: string) => Promise<{ status: 'saved'; path: string } | { status: 'cancelled' }>;

/** Writes into `dir` (made if needed) under the suggested name, and says the path. */
export function saveIntoFolder(dir: string): SaveBundleFile {
  return async (name, text) => {
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await writeFileAtomic(path, text);
    return { status: 'saved', path };
  };
}

/** `<data dir>/diagnostics/exports`, where the owner's data already is; without a data dir, the downloads folder. */
export function defaultExportFolderSync(dataDir: string | undefined): string {
  if (dataDir !== undefined) return join(dataDir, 'diagnostics', 'exports');
  const downloads = join(homedir(), 'Downloads');
  return existsSync(downloads) ? downloads : homedir();
}

/** Writes the reviewed text through the host's save, under a name that says when it was captured. */
async function exportReviewed(
  preview: DiagnosticsPreview,
  options: Pick<DiagnosticsServiceOptions, 'saveFile' | 'log' | 'timeline'>,
): Promise<Awaited<ReturnType<SaveBundleFile>>> {
  const name = `trayside-diagnostics-${new Date(preview.capturedAt).toISOString().replace(/[:.]/g, '-')}.json`;
  try {
    const saved = await options.saveFile(name, preview.text);
    if (saved.status === 'saved') {
      options.log(`diagnostics: bundle exported to ${saved.path}`);
      options.timeline.note('diagnostics.export');
    }
    return saved;
  } catch (error) {
    throw new TraysideError(
      'unavailable',
      `Could not write the bundle file: ${describeFsError(error)}. Choose another folder or free some space.`,
    );
  }
}

/** Nothing leaves without the owner's yes (standing or for this one upload) and a server to take it. */
function assertUploadAllowed(
  options: Pick<DiagnosticsServiceOptions, 'supportSharing' | 'backendUrl'>,
  confirmThisUpload: boolean | undefined,
): void {
  if (!options.supportSharing() && !confirmThisUpload) {
    throw new TraysideError(
      'forbidden',
      'Uploading needs your yes: confirm this one upload, or choose "support sharing" in your privacy settings.',
    );
  }
  if (!options.backendUrl())
    throw new TraysideError(
      'unavailable',
      'No support server is configured in this app; export the bundle to a file and attach it instead.',
    );
}

export interface DiagnosticsServiceOptions {
  /** `<data dir>/diagnostics`; undefined: choices and uploads live in memory. */
  dir: string | undefined;
  sources: HostCaptureSources;
  timeline: Timeline;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  backendUrl: () => string | undefined;
  supportUrl: () => string | undefined;
  /** True when the owner's consent is "support sharing". */
  supportSharing: () => boolean;
  installId?: string;
  logger?: LevelControl;
  saveFile: SaveBundleFile;
  openExternal: (url: string) => Promise<void>;
  send?: DiagnosticsSender;
  reproMinutes?: number;
}

export interface DiagnosticsService extends Disposable {
  readonly handlers: TraysideHandlers['diagnostics'];
  state(): DiagnosticsState;
  onChanged(listener: (state: DiagnosticsState) => void): Disposable;
  /** The tray's "Get help": asks the panel to open its help view. */
  requestHelp(): void;
  onHelpRequested(listener: () => void): Disposable;
  /** Resolves once waiting uploads from an earlier run are read. */
  readonly ready: Promise<void>;
  /** Support sharing was withdrawn: waiting uploads and the records of sent ones are deleted here. */
  forgetUploads(): Promise<void>;
}

export function createDiagnosticsService(options: DiagnosticsServiceOptions): DiagnosticsService {
  const changed = new Emitter<DiagnosticsState>();
  const helpRequested = new Emitter<void>();
  let choices = loadChoicesSync(options.dir);
  let captured: CaptureInput | undefined;
  let rendered: RenderedBundle | undefined;
  const fire = (): void => changed.fire(state());

  const repro = openReproMode({
    dir: options.dir,
    clock: options.clock,
    timers: options.timers,
    log: options.log,
    ...(options.logger ? { logger: options.logger } : {}),
    onChanged: fire,
    ...(options.reproMinutes ? { minutes: options.reproMinutes } : {}),
  });
  const uploads = openUploadQueue({
    dir: options.dir === undefined ? undefined : join(options.dir, 'uploads'),
    backendUrl: options.backendUrl,
    ...(options.installId ? { installId: options.installId } : {}),
    clock: options.clock,
    timers: options.timers,
    log: options.log,
    ...(options.send ? { send: options.send } : {}),
    onChanged: fire,
  });

  function state(): DiagnosticsState {
    return {
      supportUrl: options.supportUrl() ?? null,
      uploadTo: options.backendUrl() ?? null,
      supportSharing: options.supportSharing(),
      uploads: uploads.views(),
      repro: repro.view(),
    };
  }

  /** The reviewed rendering, or a clear error when the owner's screen shows an older one. */
  function reviewed(previewId: string): RenderedBundle {
    if (!rendered || rendered.preview.id !== previewId) {
      throw new TraysideError(
        'not-found',
        'That bundle is no longer the one under review (it was captured again or a choice changed); review the current one and try again.',
      );
    }
    return rendered;
  }

  const asContractError = (error: unknown): never => {
    if (error instanceof UploadError) throw new TraysideError(error.kind, error.message);
    throw error;
  };

  const handlers: TraysideHandlers['diagnostics'] = {
    getState: async () => state(),
    async capture() {
      captured = await gatherCapture(captureSources(options.sources, options.timeline, options.clock, repro));
      rendered = renderBundle(captured, choices);
      return rendered.preview;
    },
    async setRedaction({ kind, choice }: { kind: RedactionKind; choice: RedactionChoice }) {
      choices = { ...choices, [kind]: choice };
      await saveChoices(options.dir, choices, options.log);
      if (!captured) throw new TraysideError('not-found', 'Capture a bundle first; the choice is saved for it.');
      rendered = renderBundle(captured, choices);
      return rendered.preview;
    },
    async exportBundle({ previewId }) {
      return exportReviewed(reviewed(previewId).preview, options);
    },
    async upload({ previewId, confirmThisUpload }) {
      const { preview, bytes } = reviewed(previewId);
      assertUploadAllowed(options, confirmThisUpload);
      options.timeline.note('diagnostics.upload');
      return uploads.enqueue(bytes, `bundle-${preview.id}`);
    },
    retryUpload: ({ id }) => uploads.retry(id).catch(asContractError),
    discardUpload: ({ id }) => uploads.discard(id).catch(asContractError),
    deleteUpload: ({ caseCode }) =>
      uploads.deleteCase(caseCode).then(
        (status) => ({ status }),
        (error: unknown) => asContractError(error),
      ),
    async startRepro() {
      options.timeline.note('diagnostics.repro-started');
      return repro.start();
    },
    async stopRepro() {
      options.timeline.note('diagnostics.repro-stopped');
      return repro.stop();
    },
    async openSupport(): Promise<LinkResult> {
      const url = options.supportUrl();
      if (!url)
        return {
          status: 'refused',
          reason: 'This app has no support page configured; capture a bundle and export it for your support contact.',
        };
      await options.openExternal(url);
      return { status: 'opened', url };
    },
  };

  return {
    handlers,
    state,
    onChanged: (listener) => changed.on(listener),
    requestHelp: () => helpRequested.fire(),
    onHelpRequested: (listener) => helpRequested.on(listener),
    ready: uploads.ready,
    forgetUploads: () => uploads.forgetAll(),
    dispose() {
      repro.dispose();
      uploads.dispose();
    },
  };
}
