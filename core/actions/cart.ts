import type { CartItem } from '../../common/contract/actions.js';

/** The most lines and pieces per line a cart holds; a store order beyond that is not a reorder from a tray app. */
export const CART_LIMITS = { lines: 20, quantity: 99 } as const;

/** A small in-memory cart: one line per part number, quantities add up. */
export interface CartModel {
  items(): CartItem[];
  /** Adds to the cart; returns a reason when it cannot. */
  add(item: CartItem): string | undefined;
  /** Sets a line's quantity (0 removes it); false when the part is not in the cart. */
  setQuantity(partNumber: string, quantity: number): boolean;
  clear(): void;
}

/** Creates an empty cart. */
export function createCart(): CartModel {
  const lines = new Map<string, CartItem>();
  return {
    items: () => [...lines.values()].map((item) => ({ ...item })),
    add(item) {
      const existing = lines.get(item.partNumber);
      if (existing === undefined && lines.size >= CART_LIMITS.lines)
        return `The cart holds at most ${CART_LIMITS.lines} different supplies.`;
      const quantity = Math.min(CART_LIMITS.quantity, (existing?.quantity ?? 0) + item.quantity);
      lines.set(item.partNumber, {
        ...item,
        source: existing?.source ?? item.source,
        supplyName: existing?.supplyName ?? item.supplyName,
        quantity,
      });
      return undefined;
    },
    setQuantity(partNumber, quantity) {
      const existing = lines.get(partNumber);
      if (existing === undefined) return false;
      if (quantity <= 0) lines.delete(partNumber);
      else lines.set(partNumber, { ...existing, quantity: Math.min(CART_LIMITS.quantity, quantity) });
      return true;
    },
    clear: () => lines.clear(),
  };
}
