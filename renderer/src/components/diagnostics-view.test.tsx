import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TraysideError } from '../../../common/contract/index.js';
import type { DiagnosticsPreview, DiagnosticsState } from '../../../common/contract/diagnostics.js';
import { resetStore, store } from '../store/store.js';
import { createFakeBridge } from '../testing/fake-bridge.js';
import { formatBytes, formatCountdown, spokenCaseCode } from '../view/diagnostics-format.js';
import { HelpView } from './diagnostics-view.js';

const hhmm = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 16);
function render(): string {
  const spy = vi.spyOn(store, 'getInitialState').mockImplementation(store.getState);
  try {
    return renderToStaticMarkup(<HelpView formatTime={hhmm} />);
  } finally {
    spy.mockRestore();
  }
}
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

const STATE: DiagnosticsState = {
  supportUrl: 'https://support.example.com/',
  uploadTo: 'https://backend.example.com',
  supportSharing: false,
  uploads: [],
  repro: { active: false, startedAt: null, endsAt: null, minutes: 15, raisesLogDetail: true },
};
const PREVIEW: DiagnosticsPreview = {
  id: 'abcdef0123456789',
  capturedAt: 0,
  text: '{\n  "devices": [\n    {"serial":"<serial-1>"}\n  ]\n}\n',
  bytes: 2048,
  compressedBytes: 512,
  limitBytes: 8 * 1024 * 1024,
  kinds: [
    { kind: 'serial', label: 'serial numbers', count: 2, choice: 'remove' },
    { kind: 'email', label: 'e-mail addresses', count: 1, choice: 'keep' },
    { kind: 'mac', label: 'MAC addresses', count: 0, choice: 'remove' },
  ],
  leftOut: [{ what: 'Setting "apiToken"', reason: 'It is a secret; secrets never go into a bundle.' }],
};

beforeEach(() => resetStore());
afterEach(() => vi.unstubAllGlobals());

describe('Get help view', () => {
  it('shows nothing while closed', () => {
    store.setState({ diagnostics: STATE });
    expect(render()).toBe('');
  });

  it('offers the support page, capture and repro mode', () => {
    store.setState({ connection: 'connected', helpOpen: true, diagnostics: STATE });
    const shown = text(render());
    expect(shown).toContain('https://support.example.com/');
    expect(shown).toContain('Capture diagnostics');
    expect(shown).toContain('Record while I reproduce the problem (15 min)');
  });

  it('lists each kind found with its count and choice, the size, what was left out, and the exact text', () => {
    store.setState({ connection: 'connected', helpOpen: true, diagnostics: STATE, preview: PREVIEW });
    const html = render();
    const shown = text(html);
    expect(shown).toContain('Remove serial numbers (2 found)');
    expect(shown).toContain('Remove e-mail addresses (1 found)');
    expect(shown).toContain('Not found: MAC addresses.');
    expect(html).toMatch(/<input type="checkbox" checked=""[^>]*\/>\s*<span>Remove serial numbers/);
    expect(html).not.toMatch(/<input type="checkbox" checked=""[^>]*\/>\s*<span>Remove e-mail/);
    expect(shown).toContain('Size: 2.0 KB (512 bytes when sent compressed)');
    expect(shown).toContain('Setting "apiToken" : It is a secret');
    expect(html).toContain('&quot;serial&quot;:&quot;&lt;serial-1&gt;&quot;');
    expect(shown).toContain('Save to a file');
    expect(shown).toContain('Send to support');
  });

  it('shows a sent case code in groups, with how to read it aloud, and waiting uploads with progress and the reason', () => {
    store.setState({
      connection: 'connected',
      helpOpen: true,
      diagnostics: {
        ...STATE,
        uploads: [
          {
            id: 'a',
            createdAt: 2,
            state: 'sent',
            progress: 1,
            bytes: 512,
            attempts: 1,
            problem: null,
            nextAttemptAt: null,
            caseCode: 'K7QM-42XD-9',
            caseCodeGroups: ['K7QM', '42XD', '9'],
            expiresAt: Date.UTC(2027, 0, 1),
          },
          {
            id: 'b',
            createdAt: 1,
            state: 'queued',
            progress: 0.4,
            bytes: 2048,
            attempts: 1,
            problem: 'Could not reach the support server',
            nextAttemptAt: Date.UTC(2026, 0, 1, 10, 42),
            caseCode: null,
            caseCodeGroups: [],
            expiresAt: null,
          },
        ],
      },
    });
    const html = render();
    const shown = text(html);
    expect(html).toContain(
      '<span class="case-code__group">K7QM</span><span class="case-code__group">42XD</span><span class="case-code__group">9</span>',
    );
    expect(shown).toContain('K7QM-42XD-9, read as K seven Q M, then four two X D, then nine');
    expect(shown).toContain('Delete this upload');
    expect(html).toMatch(/<progress[^>]*max="1"[^>]*value="0.4"/);
    expect(shown).toContain('Could not reach the support server — trying again at 10:42.');
  });

  it('shows the countdown while recording', () => {
    const endsAt = Date.now() + 14 * 60_000 + 5_000;
    store.setState({
      connection: 'connected',
      helpOpen: true,
      diagnostics: { ...STATE, repro: { ...STATE.repro, active: true, startedAt: Date.now(), endsAt } },
    });
    const shown = text(render());
    expect(shown).toMatch(/Recording with more detail — now reproduce the problem\. 14:0[45] left/);
    expect(shown).toContain('Stop recording');
  });
});

describe('diagnostics slice', () => {
  it("captures, and shows the refusal of an upload without consent in the app's words", async () => {
    const fake = createFakeBridge({
      diagnostics: {
        capture: async () => PREVIEW,
        upload: async () => {
          throw new TraysideError(
            'forbidden',
            'Uploading needs your yes: confirm this one upload, or choose "support sharing" in your privacy settings.',
          );
        },
        getState: async () => STATE,
      },
    });
    vi.stubGlobal('window', { trayside: fake.bridge });
    await store.getState().captureDiagnostics();
    expect(store.getState().preview?.id).toBe(PREVIEW.id);
    await store.getState().uploadDiagnostics(false);
    expect(store.getState().diagnosticsError).toMatch(/^Uploading needs your yes/);
    expect(store.getState().diagnosticsBusy).toBeNull();
    expect(fake.calls).toEqual(['diagnostics.capture', 'diagnostics.upload']);
  });
});

describe('diagnostics words', () => {
  it('formats sizes, countdowns and spoken codes', () => {
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(5_300_000)).toBe('5.1 MB');
    expect(formatCountdown(15 * 60_000)).toBe('15:00');
    expect(formatCountdown(61_500)).toBe('1:02');
    expect(formatCountdown(-5)).toBe('0:00');
    expect(spokenCaseCode(['AB12'])).toBe('A B one two');
  });
});
