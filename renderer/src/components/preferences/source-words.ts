import { SOURCE_WORDS, type PreferenceSource } from '../../../../common/contract/preferences.js';

/** What a control says about where its value came from; a locked one says why it cannot be changed. */
export function sourceWords(source: PreferenceSource, locked: boolean): string {
  return locked ? `Locked. ${SOURCE_WORDS[source]}.` : `${SOURCE_WORDS[source]}.`;
}
