import { useState, type InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onBlur'> & {
  /** What the core's view says. */
  value: string;
  /** Hands a complete, valid value to the core; returns false for text that is not one yet (a half-typed number, an empty field). */
  take: (text: string) => boolean;
};

/**
 * A text, time or number field bound to the core's view that keeps what the owner types while the
 * field has focus. Bound directly, each keystroke's round trip to the core would snap the field back
 * to the old value (so typing "12" on a busy machine could end as "2"), and clearing the field to
 * type anew would be impossible. Valid values go to the core as they are typed; on leaving the
 * field, the core's value shows again, so a value it refused or one never finished does not linger.
 */
export function DraftInput({ value, take, ...input }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      {...input}
      value={draft ?? value}
      onChange={(event) => {
        const text = event.currentTarget.value;
        setDraft(text);
        take(text);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
