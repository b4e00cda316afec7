import type { ReactNode } from 'react';

/**
 * A translated sentence with one placeholder's value shown as its own element ("Saved to <path>"),
 * wherever the language puts it: the formatted text is cut at the value. When the value is not
 * found (an OEM overlay that dropped it cannot, placeholder parity forbids it) the text stays whole.
 */
export function WithValue({ text, value, children }: { text: string; value: string; children: ReactNode }) {
  const at = value === '' ? -1 : text.indexOf(value);
  if (at < 0) return <>{text}</>;
  // The bidi isolates the translator puts around the value are the element's job now.
  const before = text.slice(0, at).replace(/\u2068$/, '');
  const after = text.slice(at + value.length).replace(/^\u2069/, '');
  return (
    <>
      {before}
      {children}
      {after}
    </>
  );
}
