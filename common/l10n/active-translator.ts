import { englishTranslator, type Translator } from './translator.js';

/**
 * The translator the Node side speaks with (tray menu, OS notifications, the devices report): one
 * per process, like the OS's own UI language, switched when the owner picks another language. The
 * panel has its own (renderer/src/l10n), from the same catalogues.
 */
let active: Translator = englishTranslator;

/** The translator now in use; English until a host sets the owner's locale. */
export function activeTranslator(): Translator {
  return active;
}

/** Makes `translator` the one every later message is formatted with. */
export function setActiveTranslator(translator: Translator): void {
  active = translator;
}
