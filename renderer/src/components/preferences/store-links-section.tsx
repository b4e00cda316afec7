import { useId } from 'react';
import type { PreferencesView } from '../../../../common/contract/preferences.js';
import { useTranslator } from '../../l10n/use-translator.js';
import { useStore } from '../../store/store.js';
import { BoundCheckbox } from '../bound-checkbox.js';
import { sourceWords } from './source-words.js';

/**
 * Reorder buttons and store links: a purpose of its own, apart from the marketing categories and
 * from consent. A switch (a checkbox with role="switch", so Space toggles it), its sentence and its
 * source are read together; a policy locks it and says so.
 */
export function StoreLinksSection({ view }: { view: PreferencesView }) {
  const change = useStore((state) => state.changePreferences);
  const id = useId();
  const { t } = useTranslator();
  const row = view.storeLinks;
  return (
    <section className="help__section" aria-labelledby={`${id}-title`}>
      <h3 className="help__subtitle" id={`${id}-title`}>
        {t('prefs.store')}
      </h3>
      <label className="preferences__choice">
        <BoundCheckbox
          role="switch"
          on={row.on}
          disabled={row.locked}
          aria-describedby={`${id}-about ${id}-source`}
          take={(on) => change({ storeLinks: on })}
        />
        <span className="preferences__text">
          <strong>{t('prefs.storeLinks')}</strong> <span id={`${id}-about`}>{t('prefs.storeLinks.about')}</span>{' '}
          <span className="preferences__source" id={`${id}-source`}>
            {sourceWords(row.source, row.locked, t)}
          </span>
        </span>
      </label>
    </section>
  );
}
