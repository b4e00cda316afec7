import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { IntlMessageFormat } from 'intl-messageformat';

/** FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the text between takes the direction of its own first letter. */
const FSI = '\u2068';
const PDI = '\u2069';

/** Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms: letters that run right to left. */
const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

const textArguments = new WeakMap<IntlMessageFormat, ReadonlySet<string>>();

/**
 * The placeholders a message prints as text ("{device}"), not the ones it chooses by
 * ("{digit, select, …}", "{count, plural, …}"): only text may be wrapped, or a select would no
 * longer match its options.
 */
function textArgumentsOf(formatter: IntlMessageFormat): ReadonlySet<string> {
  let names = textArguments.get(formatter);
  if (names) return names;
  const printed = new Set<string>();
  const chosen = new Set<string>();
  const visit = (elements: readonly MessageFormatElement[]): void => {
    for (const element of elements) {
      if (element.type === TYPE.argument) printed.add(element.value);
      if (element.type === TYPE.plural || element.type === TYPE.select) {
        chosen.add(element.value);
        for (const option of Object.values(element.options)) visit(option.value);
      }
      if (element.type === TYPE.tag) visit(element.children);
    }
  };
  visit(formatter.getAst());
  names = new Set([...printed].filter((name) => !chosen.has(name)));
  textArguments.set(formatter, names);
  return names;
}

/**
 * The values with each text placeholder isolated. In a right-to-left language every one is
 * (a Latin model name, a time, a path); in a left-to-right language only values with
 * right-to-left letters are, since a Latin value in a Latin sentence looks the same either way.
 */
export function isolateValues<V extends Readonly<Record<string, string | number>>>(
  formatter: IntlMessageFormat,
  values: V,
  direction: 'ltr' | 'rtl',
): Record<string, string | number> {
  const names = textArgumentsOf(formatter);
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const isolate = typeof value === 'string' && value !== '' && names.has(name) && (direction === 'rtl' || RIGHT_TO_LEFT.test(value));
      return [name, isolate ? `${FSI}${value}${PDI}` : value];
    }),
  );
}
