import type { Disposable } from '../lifecycle.js';
import { englishTranslator, type Translator } from './translator.js';

/**
 * The translator the Node side speaks with (tray menu, OS notifications, the devices report): one
 * per process, like the OS's own UI language, switched when the owner picks another language. The
 * panel has its own (renderer/src/l10n), from the same catalogues.
 */
let active: Translator = englishTranslator;
const listeners = new Set<(translator: Translator) => void>();

/** The translator now in use; English until a host sets the owner's locale. */
export function activeTranslator(): Translator {
  return active;
}

/** Makes `translator` the one every later message is formatted with, and tells who draws text with it. */
export function setActiveTranslator(translator: Translator): void {
  active = translator;
  for (const listener of [...listeners]) listener(translator);
}

/**
 * Calls `listener` each time another translator becomes active. The settings change that picks a
 * language comes before its catalogue has loaded, so text drawn then (the tray) is redrawn here.
 */
export function onActiveTranslatorChanged(listener: (translator: Translator) => void): Disposable {
  listeners.add(listener);
  return { dispose: () => void listeners.delete(listener) };
}
