import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Catalogue, MessageKey } from './en.js';

const ACCENTED: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((letter, index) => [
    letter,
    [...'àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ'][index]!,
  ]),
);

/** How much longer than English a pseudo message is: German and Finnish run about 30 % longer. */
const GROWTH = 0.3;

function accent(text: string): string {
  return [...text].map((character) => ACCENTED[character] ?? character).join('');
}

/** Writes the message back as ICU with its literal text accented; placeholders, plural and select keep their syntax. */
function print(elements: readonly MessageFormatElement[]): string {
  return elements
    .map((element) => {
      switch (element.type) {
        case TYPE.literal:
          // ICU quoting: an apostrophe is written twice, a brace quoted (a quoted apostrophe would show as two).
          return accent(element.value)
            .replace(/'/g, "''")
            .replace(/[{}]/g, (character) => `'${character}'`);
        case TYPE.argument:
          return `{${element.value}}`;
        case TYPE.number:
          return `{${element.value}, number}`;
        case TYPE.pound:
          return '#';
        case TYPE.plural:
        case TYPE.select: {
          const kind = element.type === TYPE.select ? 'select' : element.pluralType === 'ordinal' ? 'selectordinal' : 'plural';
          const options = Object.entries(element.options).map(([selector, option]) => `${selector} {${print(option.value)}}`);
          return `{${element.value}, ${kind}, ${options.join(' ')}}`;
        }
        default:
          return '';
      }
    })
    .join('');
}

/** "[Ŝţàţûš ···]": accented, 30 % longer and bracketed, so cut-off and hard-coded text stands out. */
export function pseudoMessage(message: string): string {
  const padding = ' ' + '·'.repeat(Math.max(1, Math.round(message.length * GROWTH)));
  return `[${print(parse(message))}${padding}]`;
}

/** The pseudo-locale's catalogue, made from the English one. */
export function pseudoCatalogue(base: Catalogue): Catalogue {
  return Object.fromEntries(Object.entries(base).map(([key, message]) => [key as MessageKey, pseudoMessage(message)])) as Catalogue;
}
