import type { InputHTMLAttributes } from 'react';
import { usePendingChoice } from './use-pending-choice.js';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'checked' | 'onChange'> & {
  /** What the core's view says. */
  on: boolean;
  /** Hands the owner's choice to the core; the box shows it until this settles. */
  take: (on: boolean) => Promise<void>;
};

/** A checkbox (or switch) bound to the core's view that answers the click at once; see usePendingChoice. */
export function BoundCheckbox({ on, take, ...input }: Props) {
  const [shown, choose] = usePendingChoice(on);
  return (
    <input
      {...input}
      type="checkbox"
      checked={shown}
      onChange={(event) => {
        const next = event.currentTarget.checked;
        choose(next, () => take(next));
      }}
    />
  );
}
