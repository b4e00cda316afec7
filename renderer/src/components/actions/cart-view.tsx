import { useStore } from '../../store/store.js';

/** The reorder cart: supplies to order together, with their quantities; hidden while empty. */
export function CartView() {
  const cart = useStore((state) => state.cart);
  const setQuantity = useStore((state) => state.setCartQuantity);
  const checkout = useStore((state) => state.checkoutCart);
  const notice = useStore((state) => (state.linkNotice?.key === 'cart' ? state.linkNotice.result : null));
  if (cart.items.length === 0 && notice === null) return null;
  return (
    <section className="cart" aria-label="Reorder cart">
      <h2 className="cart__title">Reorder cart</h2>
      {cart.items.length > 0 && (
        <ul className="cart__items">
          {cart.items.map((item) => (
            <li key={item.partNumber} className="cart__item">
              <span className="cart__name">
                {item.supplyName ?? 'Supply'} <span className="cart__part">{item.partNumber}</span>
              </span>
              <label className="cart__quantity">
                <span className="visually-hidden">Quantity of {item.partNumber}</span>
                <input type="number" min={0} max={99} value={item.quantity} onChange={(event) => void setQuantity(item.partNumber, Math.max(0, Math.min(99, Number(event.target.value) || 0)))} />
              </label>
              <button type="button" className="button button--small" aria-label={`Remove ${item.partNumber}`} onClick={() => void setQuantity(item.partNumber, 0)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {cart.items.length > 0 && (
        <button type="button" className="button button--primary" disabled={!cart.multiItemCheckout && cart.items.length > 1} onClick={() => void checkout()}>
          Order {cart.items.reduce((sum, item) => sum + item.quantity, 0)} items
        </button>
      )}
      {!cart.multiItemCheckout && cart.items.length > 1 && <p className="action-notice">Your store takes one supply per order; reorder them one by one.</p>}
      {notice?.status === 'refused' && (
        <p className="action-notice action-notice--refused" role="alert">
          {notice.reason}
        </p>
      )}
      {notice?.status === 'opened' && <p className="action-notice">Opened your cart in the store.</p>}
    </section>
  );
}
