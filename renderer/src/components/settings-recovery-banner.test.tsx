import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SettingsStatus } from '../../../common/settings.js';
import { SettingsRecoveryNotice } from './settings-recovery-banner.js';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
const render = (status: SettingsStatus) =>
  renderToStaticMarkup(<SettingsRecoveryNotice status={status} error={null} onChoose={() => undefined} />);

describe('settings recovery banner', () => {
  it('says the file was set aside, where, that sharing is paused, and offers the choice', () => {
    const html = render({
      consent: 'unknown',
      recovered: {
        file: '/data/settings.json',
        problem: 'is not valid JSON (truncated or garbage)',
        keptAs: '/data/settings.json.damaged-1',
        at: 1,
      },
      notSaved: null,
    });
    expect(html).toContain('role="alert"');
    expect(text(html)).toContain(
      'Your settings file was damaged It has been set aside (/data/settings.json.damaged-1). Usage sharing is paused until you choose again.',
    );
    expect(html.match(/<button/g)).toHaveLength(3);
    expect(text(html)).toContain("Share anonymous usage Share usage and support data Don't share");
  });

  it('says settings cannot be saved and where', () => {
    const html = render({
      consent: 'known',
      recovered: null,
      notSaved: { file: '/data/settings.json', problem: '/data/settings.json is read-only' },
    });
    expect(text(html)).toBe(
      "Settings can't be saved to /data/settings.json (/data/settings.json is read-only). Changes last until Trayside quits.",
    );
  });

  it('shows nothing when the settings are fine', () => {
    expect(render({ consent: 'known', recovered: null, notSaved: null })).toBe('');
  });
});
