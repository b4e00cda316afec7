import { useEffect, useId, useRef } from 'react';
import type { CartItem, LinkResult } from '../../../../common/contract/actions.js';
import { cartCount } from '../../store/actions-slice.js';
import { useStore } from '../../store/store.js';
import { useCloseOnEscape } from '../use-close-on-escape.js';
import { useTranslator } from '../../l10n/use-translator.js';

/**
 * The reorder cart: supplies to order together, with their quantities; hidden while empty. A bar
 * stuck to the bottom of the panel says how many are in it; its header or "View cart" next to an
 * "Add to cart" opens it; Escape closes it.
 */
export function CartView() {
  const cart = useStore((state) => state.cart);
  const open = useStore((state) => state.cartOpen);
  const revealed = useStore((state) => state.cartRevealed);
  const setOpen = useStore((state) => state.setCartOpen);
  const setQuantity = useStore((state) => state.setCartQuantity);
  const checkout = useStore((state) => state.checkoutCart);
  const notice = useStore((state) => (state.linkNotice?.key === 'cart' ? state.linkNotice : null));
  const section = useRef<HTMLElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const contentId = useId();
  const { t } = useTranslator();
  useCloseOnEscape(open && cart.items.length > 0, () => {
    setOpen(false);
    toggle.current?.focus();
  });
  useEffect(() => {
    if (revealed > 0) section.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [revealed]);
  // Reorder buttons and store links turned off: no cart either (the core refuses to check it out).
  if (!cart.storeLinks || (cart.items.length === 0 && notice === null)) return null;
  const count = cartCount(cart);
  return (
    <section className="cart" aria-labelledby={`${contentId}-title`} ref={section} id="reorder-cart" tabIndex={-1}>
      <h2 className="cart__title" id={`${contentId}-title`}>
        {cart.items.length > 0 ? (
          <button
            ref={toggle}
            type="button"
            className="cart__toggle"
            aria-expanded={open}
            aria-controls={contentId}
            onClick={() => setOpen(!open)}
          >
            {t('cart.title')} <span className="cart__count">{t('cart.count', { count })}</span>
          </button>
        ) : (
          t('cart.title')
        )}
      </h2>
      <div id={contentId} className="cart__content" hidden={!open && cart.items.length > 0}>
        {cart.items.length > 0 && (
          <ul className="cart__items">
            {cart.items.map((item) => (
              <li key={item.partNumber} className="cart__item">
                <span className="cart__name">
                  {item.supplyName ?? t('cart.supply')} <span className="cart__part">{item.partNumber}</span>
                </span>
                <label className="cart__quantity">
                  <span className="visually-hidden">{t('cart.quantityOf', { part: item.partNumber })}</span>
                  <input
                    type="number"
                    min={0}
                    max={99}
                    value={item.quantity}
                    onChange={(event) => void setQuantity(item.partNumber, Math.max(0, Math.min(99, Number(event.target.value) || 0)))}
                  />
                </label>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={t('cart.removeNamed', { part: item.partNumber })}
                  onClick={() => void setQuantity(item.partNumber, 0)}
                >
                  {t('cart.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        {cart.items.length > 0 && (
          <button
            type="button"
            className="button button--primary"
            disabled={!cart.multiItemCheckout && cart.items.length > 1}
            onClick={() => void checkout()}
          >
            {t('cart.order', { count })}
          </button>
        )}
        {!cart.multiItemCheckout && cart.items.length > 1 && <p className="action-notice">{t('cart.oneByOne')}</p>}
      </div>
      {notice && <CheckoutNotice result={notice.result} ordered={notice.ordered ?? []} />}
    </section>
  );
}

/** What the checkout did: one supply opens its product page, several open the store's cart. */
function CheckoutNotice({ result, ordered }: { result: LinkResult; ordered: readonly CartItem[] }) {
  const { t } = useTranslator();
  if (result.status === 'refused') {
    return (
      <p className="action-notice action-notice--refused" role="alert">
        {result.reason}
      </p>
    );
  }
  const [only] = ordered;
  const opened = (item: CartItem): string => {
    const values = { supply: item.supplyName ?? t('cart.yourSupply'), part: item.partNumber };
    return item.quantity > 1 ? t('cart.openedOneQuantity', { ...values, quantity: item.quantity }) : t('cart.openedOne', values);
  };
  const text = ordered.length === 1 && only !== undefined ? opened(only) : t('cart.openedCart', { count: ordered.length });
  return (
    <p className="action-notice" role="status">
      {text}
    </p>
  );
}
