import { useEffect, useRef } from 'react';
import { panelEscapeStack } from '../view/escape-stack.js';

/**
 * While `open`, Escape calls `close` (the latest one passed, so callers need not memoize it).
 * The part stays on the stack in the order it opened, whatever re-renders happen meanwhile.
 */
export function useCloseOnEscape(open: boolean, close: () => void): void {
  const latest = useRef(close);
  useEffect(() => {
    latest.current = close;
  });
  useEffect(() => {
    if (!open) return undefined;
    return panelEscapeStack.push(() => latest.current());
  }, [open]);
}

/** Listens for Escape on the whole document while mounted and closes the part opened last; with nothing open, calls `onNothingOpen` (hide the panel). */
export function useEscapeKey(onNothingOpen?: () => void): void {
  const latest = useRef(onNothingOpen);
  useEffect(() => {
    latest.current = onNothingOpen;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing) return;
      if (panelEscapeStack.escape()) event.preventDefault();
      else latest.current?.();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
