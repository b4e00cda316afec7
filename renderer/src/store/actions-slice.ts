import type { ActionSource, Cart, LinkResult } from '../../../common/contract/actions.js';
import type { InboxItem } from '../../../common/contract/messages.js';
import type { FeedbackDraft } from '../../../common/feedback.js';
import { bridge, describeFailure } from './bridge.js';
import type { SliceDefinition } from './store.js';

/** Where a feedback form of one message stands. */
export interface FeedbackFormState {
  status: 'editing' | 'sending' | 'thanks';
  /** Messages by field: `form` or a question id. */
  errors: Record<string, string>;
  /** True when the answer stays on this computer because the owner has not agreed to share usage data. */
  notSent?: boolean;
}

/** What the owner last asked to open, and what came of it (shown next to the button). */
export interface LinkNotice {
  key: string;
  result: LinkResult;
}

/** Reorder, cart, links and feedback. */
export interface ActionsSlice {
  cart: Cart;
  /** Keyed `<messageId>#<actionIndex>`. */
  feedbackForms: Record<string, FeedbackFormState>;
  linkNotice: LinkNotice | null;
  actionsError: string | null;
  loadCart(): Promise<void>;
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

const EMPTY_CART: Cart = { items: [], multiItemCheckout: false, storeConfigured: false };

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
      actionsError: null,
      loadCart: () => attempt(async () => set({ cart: await bridge().actions.getCart() })),
      receiveCart: (cart) => set({ cart }),
      reorderFromMessage: (item, actionIndex) =>
        attempt(async () => {
          const result = await bridge().actions.reorder(reorderAction(item, actionIndex));
          set({ linkNotice: { key: actionKey(item.id, actionIndex), result } });
          await openInThisBrowserIfHosted(result);
        }),
      addToCartFromMessage: (item, actionIndex) => attempt(async () => set({ cart: await bridge().actions.addToCart(reorderAction(item, actionIndex)) })),
      setCartQuantity: (partNumber, quantity) => attempt(async () => set({ cart: await bridge().actions.setCartQuantity({ partNumber, quantity }) })),
      checkoutCart: () =>
        attempt(async () => {
          const result = await bridge().actions.checkoutCart();
          set({ linkNotice: { key: 'cart', result } });
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
