import { useStore } from '../../store/store.js';
import type { FormatTime } from '../../view/format.js';
import { useTranslator } from '../../l10n/use-translator.js';
import { DialogOpenerButton, PanelDialog } from '../panel-dialog.js';
import { ConsentSection } from './consent-section.js';
import { MessageSection } from './message-section.js';
import { SendsSection } from './sends-section.js';
import { StoreLinksSection } from './store-links-section.js';
import { ThresholdsSection } from './thresholds-section.js';
import './preferences.css';

/** The footer button that opens the preference center. */
export function PreferencesButton() {
  const open = useStore((state) => state.preferencesOpen);
  const setOpen = useStore((state) => state.setPreferencesOpen);
  const { t } = useTranslator();
  return (
    <DialogOpenerButton className="preferences__button" open={open} onOpen={() => setOpen(true)}>
      {t('preferences.button')}
    </DialogOpenerButton>
  );
}

/** The preference center: consent, message categories and limits, and what Trayside sends. Rendered when open. */
export function PreferenceCenter({ formatTime }: { formatTime: FormatTime }) {
  const open = useStore((state) => state.preferencesOpen);
  const setOpen = useStore((state) => state.setPreferencesOpen);
  const view = useStore((state) => state.preferences);
  const error = useStore((state) => state.preferencesError);
  const { t } = useTranslator();
  return (
    <PanelDialog open={open} title={t('preferences.button')} openerClassName="preferences__button" onClose={() => setOpen(false)}>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {view === null ? (
        <p role="status">{t('preferences.loading')}</p>
      ) : (
        <>
          <ConsentSection view={view} formatTime={formatTime} />
          <MessageSection view={view} />
          <StoreLinksSection view={view} />
          <ThresholdsSection view={view} />
          <SendsSection formatTime={formatTime} />
        </>
      )}
    </PanelDialog>
  );
}
