/**
 * What Escape closes: every open part of the panel (the cart, an expanded message with its forms,
 * a device's full problem list) registers how to close itself while it is open, and Escape closes
 * the one opened last — like stacked dialogs, one press per layer.
 */
export interface EscapeStack {
  /** Registers an open part; the returned function unregisters it (when it closes by other means). */
  push(close: () => void): () => void;
  /** Closes the part opened last; false when nothing is open (the host may then hide the panel). */
  escape(): boolean;
  /** How many parts are open. */
  size(): number;
}

/** A new, empty stack. */
export function createEscapeStack(): EscapeStack {
  const entries: Array<{ close: () => void }> = [];
  return {
    push(close) {
      const entry = { close };
      entries.push(entry);
      return () => {
        const index = entries.indexOf(entry);
        if (index >= 0) entries.splice(index, 1);
      };
    },
    escape() {
      const entry = entries.pop();
      if (entry === undefined) return false;
      entry.close();
      return true;
    },
    size: () => entries.length,
  };
}

/** The panel's one stack; the app listens for Escape on the document and pops it. */
export const panelEscapeStack: EscapeStack = createEscapeStack();
