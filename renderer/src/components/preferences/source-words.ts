import type { PreferenceSource } from '../../../../common/contract/preferences.js';
import type { MessageKey } from '../../../../common/l10n/en.js';
import { englishTranslator, type Translator } from '../../../../common/l10n/translator.js';

/** The catalogue sentence for where a shown value comes from. */
export const SOURCE_KEYS: Record<PreferenceSource, MessageKey> = {
  policy: 'source.policy',
  owner: 'source.owner',
  recommended: 'source.recommended',
  default: 'source.default',
  'always-on': 'source.always-on',
};

/** What a control says about where its value came from; a locked one says why it cannot be changed. */
export function sourceWords(source: PreferenceSource, locked: boolean, t: Translator['t'] = englishTranslator.t): string {
  const words = t(SOURCE_KEYS[source]);
  return locked ? t('source.locked', { source: words }) : words;
}
