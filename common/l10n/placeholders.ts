import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describeError } from '../errors.js';

/**
 * The placeholder names of an ICU message, sorted: "{count, plural, one {# from {product}} …}" →
 * ["count", "product"]. Throws the parser's error for a message that is not valid ICU.
 */
export function placeholdersOf(message: string): string[] {
  const names = new Set<string>();
  const visit = (elements: readonly MessageFormatElement[]): void => {
    for (const element of elements) {
      if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
      names.add(element.value);
      if (element.type === TYPE.plural || element.type === TYPE.select)
        for (const option of Object.values(element.options)) visit(option.value);
      if (element.type === TYPE.tag) visit(element.children);
    }
  };
  visit(parse(message));
  return [...names].sort();
}

/** Why `message` cannot stand in for `base`, or null when it has the same placeholders and parses. */
export function placeholderMismatch(message: string, base: string): string | null {
  let own: string[];
  try {
    own = placeholdersOf(message);
  } catch (error) {
    return `it is not a valid ICU message (${describeError(error)})`;
  }
  const expected = placeholdersOf(base);
  if (own.join('\u0000') === expected.join('\u0000')) return null;
  const show = (names: string[]) => (names.length ? names.map((name) => `{${name}}`).join(', ') : 'none');
  return `its placeholders are ${show(own)}, the base string's are ${show(expected)}`;
}
