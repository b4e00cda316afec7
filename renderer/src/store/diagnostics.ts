import type { DiagnosticsPreview, DiagnosticsState, RedactionChoice } from '../../../common/contract/diagnostics.js';
import type { RedactionKind } from '../../../common/diagnostics/bundle.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/** What the "Get help" view shows: the app's diagnostics state, the bundle under review, the last outcome. */
export interface DiagnosticsSlice {
  helpOpen: boolean;
  diagnostics: DiagnosticsState | null;
  /** The bundle under review; null until the owner captures one. */
  preview: DiagnosticsPreview | null;
  /** Which step runs now, so its button says so and is not pressed twice. */
  diagnosticsBusy: 'capture' | 'redaction' | 'export' | 'upload' | 'delete' | 'repro' | 'support' | null;
  diagnosticsError: string | null;
  /** Where the last export went, or that the owner cancelled the dialog. */
  exportNotice: { kind: 'saved'; path: string } | { kind: 'cancelled' } | null;
  /** The one case code just deleted, for the "deleted" notice. */
  deletedCase: string | null;
  setHelpOpen(open: boolean): void;
  loadDiagnostics(): Promise<void>;
  captureDiagnostics(): Promise<void>;
  setRedaction(kind: RedactionKind, choice: RedactionChoice): Promise<void>;
  exportDiagnostics(): Promise<void>;
  /** `confirmThisUpload`: the owner's yes for this one upload when consent does not cover it. */
  uploadDiagnostics(confirmThisUpload: boolean): Promise<void>;
  retryUpload(id: string): Promise<void>;
  discardUpload(id: string): Promise<void>;
  deleteUpload(caseCode: string): Promise<void>;
  startRepro(): Promise<void>;
  stopRepro(): Promise<void>;
  openSupport(): Promise<void>;
  receiveDiagnostics(state: DiagnosticsState): void;
}

/** The diagnostics slice. */
export const diagnosticsSlice: SliceDefinition<DiagnosticsSlice> = {
  create: (set, get) => {
    /** Runs one step: busy while it runs, its error shown when it fails. */
    const step = async (busy: NonNullable<DiagnosticsSlice['diagnosticsBusy']>, run: () => Promise<void>): Promise<void> => {
      set({ diagnosticsBusy: busy, diagnosticsError: null });
      try {
        await run();
      } catch (error) {
        set({ diagnosticsError: describeFailure(error) });
      } finally {
        set({ diagnosticsBusy: null });
      }
    };
    const refresh = async (): Promise<void> => set({ diagnostics: await bridge().diagnostics.getState() });
    return {
      helpOpen: false,
      diagnostics: null,
      preview: null,
      diagnosticsBusy: null,
      diagnosticsError: null,
      exportNotice: null,
      deletedCase: null,
      setHelpOpen: (open) => set({ helpOpen: open }),
      async loadDiagnostics() {
        try {
          await refresh();
        } catch (error) {
          set({ diagnosticsError: describeFailure(error) });
        }
      },
      captureDiagnostics: () =>
        step('capture', async () => {
          set({ preview: await bridge().diagnostics.capture(), exportNotice: null });
        }),
      setRedaction: (kind, choice) =>
        step('redaction', async () => {
          set({ preview: await bridge().diagnostics.setRedaction({ kind, choice }), exportNotice: null });
        }),
      exportDiagnostics: () =>
        step('export', async () => {
          const preview = get().preview;
          if (!preview) return;
          const result = await bridge().diagnostics.exportBundle({ previewId: preview.id });
          set({ exportNotice: result.status === 'saved' ? { kind: 'saved', path: result.path } : { kind: 'cancelled' } });
        }),
      uploadDiagnostics: (confirmThisUpload) =>
        step('upload', async () => {
          const preview = get().preview;
          if (!preview) return;
          await bridge().diagnostics.upload({ previewId: preview.id, confirmThisUpload });
          await refresh();
        }),
      retryUpload: (id) =>
        step('upload', async () => {
          await bridge().diagnostics.retryUpload({ id });
          await refresh();
        }),
      discardUpload: (id) =>
        step('upload', async () => {
          await bridge().diagnostics.discardUpload({ id });
          await refresh();
        }),
      deleteUpload: (caseCode) =>
        step('delete', async () => {
          await bridge().diagnostics.deleteUpload({ caseCode });
          set({ deletedCase: caseCode });
          await refresh();
        }),
      startRepro: () =>
        step('repro', async () => {
          await bridge().diagnostics.startRepro();
          await refresh();
        }),
      stopRepro: () =>
        step('repro', async () => {
          await bridge().diagnostics.stopRepro();
          await refresh();
        }),
      openSupport: () =>
        step('support', async () => {
          const result = await bridge().diagnostics.openSupport();
          if (result.status === 'refused') set({ diagnosticsError: result.reason });
        }),
      receiveDiagnostics: (state) => set({ diagnostics: state }),
    };
  },
  follow: (api, store) => {
    const stopState = api.diagnostics.onChanged((state) => store.getState().receiveDiagnostics(state));
    const stopHelp = api.diagnostics.onHelpRequested(() => store.getState().setHelpOpen(true));
    return () => {
      stopState();
      stopHelp();
    };
  },
  load: (store) => store.getState().loadDiagnostics(),
};
