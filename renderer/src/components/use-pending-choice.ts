import { useCallback, useRef, useState } from 'react';

/**
 * A control bound to the core's view shows the owner's choice at once, while the core takes it.
 * Without this a controlled radio or switch springs back until the core's reply arrives (React
 * restores the checked state the view still holds), which reads as "my click did nothing" on a
 * busy machine. Once the change settles, the core's view rules again: a refused change reverts.
 */
export function usePendingChoice<T>(actual: T): readonly [shown: T, choose: (value: T, take: () => Promise<void>) => void] {
  const [pending, setPending] = useState<{ value: T } | null>(null);
  const latest = useRef(0);
  const choose = useCallback((value: T, take: () => Promise<void>) => {
    const turn = ++latest.current;
    setPending({ value });
    void take().finally(() => {
      // Only the last click clears: an earlier reply must not flash back a choice already replaced.
      if (turn === latest.current) setPending(null);
    });
  }, []);
  return [pending === null ? actual : pending.value, choose] as const;
}
