import type { ActionSource, Cart, CartItem, LinkResult } from '../../../common/contract/actions.js';
import type { InboxItem } from '../../../common/contract/messages.js';
import type { FeedbackDraft } from '../../../common/feedback.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/** Where a feedback form of one message stands. */
export interface FeedbackFormState {
  status: 'editing' | 'sending' | 'thanks';
  /** Messages by field: `form` or a question id. */
  errors: Record<string, string>;
  /** True when the answer was not sent, and not kept either, because the owner has not agreed to share usage data. */
  notSent?: boolean;
}

/** What the owner last asked to open, and what came of it (shown next to the button). */
export interface LinkNotice {
  key: string;
  result: LinkResult;
  /** For the cart's checkout: what was ordered, so the notice can say whether a cart or one product page opened. */
  ordered?: readonly CartItem[];
}

/** What the last "Add to cart" did, shown next to that button. */
export interface CartNotice {
  /** The `actionKey` of the button. */
  key: string;
  /** Pieces in the cart after adding. */
  count: number;
}

/** Reorder, cart, links and feedback. */
export interface ActionsSlice {
  cart: Cart;
  /** Keyed `<messageId>#<actionIndex>`. */
  feedbackForms: Record<string, FeedbackFormState>;
  linkNotice: LinkNotice | null;
  cartNotice: CartNotice | null;
  /** Whether the cart shows its items ("View cart" or its header open it; Escape closes it). */
  cartOpen: boolean;
  /** Counts "show me the cart" requests ("View cart"); the cart scrolls into view when it changes. */
  cartRevealed: number;
  actionsError: string | null;
  loadCart(): Promise<void>;
  setCartOpen(open: boolean): void;
  /** Opens the cart and brings it into view. */
  revealCart(): void;
  /** Orders one supply of a device from its gauge; the answer (opened or why not) is the notice keyed `supplyKey`. */
  reorderSupply(deviceId: string, supplyId: string): Promise<void>;
  receiveCart(cart: Cart): void;
  reorderFromMessage(item: InboxItem, actionIndex: number): Promise<void>;
  addToCartFromMessage(item: InboxItem, actionIndex: number): Promise<void>;
  setCartQuantity(partNumber: string, quantity: number): Promise<void>;
  checkoutCart(): Promise<void>;
  openLink(url: string, item?: InboxItem): Promise<void>;
  submitFeedback(item: InboxItem, actionIndex: number, draft: FeedbackDraft): Promise<void>;
}

/** The key of a feedback form or a link notice. */
export function actionKey(messageId: string, actionIndex: number): string {
  return `${messageId}#${actionIndex}`;
}

/** The key of a gauge's order notice. */
export function supplyKey(deviceId: string, supplyId: string): string {
  return `supply:${deviceId}/${supplyId}`;
}

/** Pieces in the cart. */
export function cartCount(cart: Cart): number {
  return cart.items.reduce((sum, item) => sum + item.quantity, 0);
}

const EMPTY_CART: Cart = { items: [], multiItemCheckout: false, storeConfigured: false, storeLinks: true, storeHosts: [] };

function sourceOf(item: InboxItem): ActionSource {
  return { campaignId: item.campaignId, variantId: item.variantId, messageId: item.id };
}

/**
 * In Electron the shell already opened the browser; the Node host has no desktop, so the panel,
 * which runs in a browser tab there, opens the checked URL itself.
 */
async function openInThisBrowserIfHosted(result: LinkResult): Promise<void> {
  if (result.status !== 'opened') return;
  const info = await bridge().app.getInfo();
  if (info.host === 'node') window.open(result.url, '_blank', 'noopener,noreferrer');
}

/** The actions slice. */
export const actionsSlice: SliceDefinition<ActionsSlice> = {
  create: (set, get) => {
    const attempt = async (action: () => Promise<void>): Promise<void> => {
      try {
        await action();
        set({ actionsError: null });
      } catch (error) {
        set({ actionsError: describeFailure(error) });
      }
    };
    const reorderAction = (item: InboxItem, actionIndex: number) => {
      const action = item.actions[actionIndex];
      if (action?.type !== 'reorder') throw new Error('This button is not a reorder.');
      return {
        quantity: action.quantity,
        source: sourceOf(item),
        ...(action.partNumber !== undefined ? { partNumber: action.partNumber } : {}),
        ...(action.supplyColor !== undefined ? { supplyColor: action.supplyColor } : {}),
      };
    };
    return {
      cart: EMPTY_CART,
      feedbackForms: {},
      linkNotice: null,
      cartNotice: null,
      cartOpen: false,
      cartRevealed: 0,
      actionsError: null,
      loadCart: () => attempt(async () => set({ cart: await bridge().actions.getCart() })),
      receiveCart: (cart) => set({ cart }),
      setCartOpen: (open) => set({ cartOpen: open }),
      revealCart: () => set({ cartOpen: true, cartRevealed: get().cartRevealed + 1 }),
      async reorderSupply(deviceId, supplyId) {
        const key = supplyKey(deviceId, supplyId);
        try {
          const result = await bridge().actions.reorder({ deviceId, supplyId, quantity: 1 });
          set({ linkNotice: { key, result } });
          await openInThisBrowserIfHosted(result);
        } catch (error) {
          // "No part number reported", "device gone": said next to the button the owner pressed.
          set({ linkNotice: { key, result: { status: 'refused', reason: describeFailure(error) } } });
        }
      },
      reorderFromMessage: (item, actionIndex) =>
        attempt(async () => {
          const result = await bridge().actions.reorder(reorderAction(item, actionIndex));
          set({ linkNotice: { key: actionKey(item.id, actionIndex), result } });
          await openInThisBrowserIfHosted(result);
        }),
      addToCartFromMessage: (item, actionIndex) =>
        attempt(async () => {
          const cart = await bridge().actions.addToCart(reorderAction(item, actionIndex));
          // The cart bar (always in view) shows the new count; it stays folded so it covers nothing near the button.
          set({ cart, cartNotice: { key: actionKey(item.id, actionIndex), count: cartCount(cart) } });
        }),
      setCartQuantity: (partNumber, quantity) =>
        attempt(async () => set({ cart: await bridge().actions.setCartQuantity({ partNumber, quantity }) })),
      checkoutCart: () =>
        attempt(async () => {
          const ordered = get().cart.items;
          const result = await bridge().actions.checkoutCart();
          set({ linkNotice: { key: 'cart', result, ordered } });
          await openInThisBrowserIfHosted(result);
        }),
      openLink: (url, item) =>
        attempt(async () => {
          const result = await bridge().actions.openLink({ url, ...(item ? { source: sourceOf(item) } : {}) });
          set({ linkNotice: { key: `link:${url}`, result } });
          await openInThisBrowserIfHosted(result);
        }),
      async submitFeedback(item, actionIndex, draft) {
        const key = actionKey(item.id, actionIndex);
        const setForm = (form: FeedbackFormState): void => set({ feedbackForms: { ...get().feedbackForms, [key]: form } });
        setForm({ status: 'sending', errors: {} });
        try {
          const result = await bridge().actions.submitFeedback({ source: sourceOf(item), actionIndex, feedback: draft });
          if (result.status === 'invalid') setForm({ status: 'editing', errors: result.errors });
          else setForm({ status: 'thanks', errors: {}, notSent: !result.queued });
        } catch (error) {
          setForm({ status: 'editing', errors: { form: describeFailure(error) } });
        }
      },
    };
  },
  follow: (api, store) => api.actions.onCartChanged((cart) => store.getState().receiveCart(cart)),
  load: (store) => store.getState().loadCart(),
};
