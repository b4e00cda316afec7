import { useEffect, useState } from 'react';
import type { DiscoveredPrinter, UnreadablePrinter } from '../../../common/contract/devices.js';
import { bridge, describeFailure } from '../store/bridge.js';
import { useTranslator } from '../l10n/use-translator.js';

/**
 * Network printers found on the local network, each added with one click, and the printers this
 * machine has that Trayside cannot read, with what works instead. Follows the app from mount to
 * unmount; says nothing while there is nothing to say.
 */
export function NetworkPrintersSection() {
  const [printers, setPrinters] = useState<DiscoveredPrinter[]>([]);
  const [unreadable, setUnreadable] = useState<UnreadablePrinter[]>([]);
  const [adding, setAdding] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const api = bridge();
    let live = true;
    const unsubscribe = api.devices.onDiscoveredChanged((next) => live && setPrinters(next));
    // Neither list is essential to the panel: an app without them (an older host) simply shows none.
    api.devices.discovered().then(
      (next) => live && setPrinters(next),
      () => undefined,
    );
    api.devices.unreadable().then(
      (next) => live && setUnreadable(next),
      () => undefined,
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);

  const add = async (id: string): Promise<void> => {
    setAdding(id);
    setError(null);
    try {
      await bridge().devices.addDiscovered({ id });
      setPrinters((current) => current.map((printer) => (printer.id === id ? { ...printer, added: true } : printer)));
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setAdding(null);
    }
  };

  return <NetworkPrintersView printers={printers} unreadable={unreadable} adding={adding} error={error} onAdd={(id) => void add(id)} />;
}

/** The section for given lists; rendered on its own in tests. */
export function NetworkPrintersView({
  printers,
  unreadable,
  adding,
  error,
  onAdd,
}: {
  printers: readonly DiscoveredPrinter[];
  unreadable: readonly UnreadablePrinter[];
  adding: string | null;
  error: string | null;
  onAdd: (id: string) => void;
}) {
  const { t } = useTranslator();
  if (printers.length === 0 && unreadable.length === 0) return null;
  return (
    <section className="network-printers" aria-labelledby="network-printers-heading">
      {printers.length > 0 && (
        <>
          <h2 id="network-printers-heading" className="network-printers__title">
            {t('network.title')}
          </h2>
          <ul className="network-printers__list">
            {printers.map((printer) => (
              <li key={printer.id} className="network-printers__item">
                <span className="network-printers__name">{printer.name}</span>
                {(printer.model ?? printer.location) && (
                  <span className="network-printers__detail">{[printer.model, printer.location].filter(Boolean).join(' · ')}</span>
                )}
                {printer.added ? (
                  <span className="network-printers__added">{t('network.added')}</span>
                ) : (
                  <button
                    type="button"
                    className="button"
                    disabled={adding !== null}
                    onClick={() => onAdd(printer.id)}
                    aria-label={t('network.addNamed', { printer: printer.name })}
                  >
                    {adding === printer.id ? t('network.adding') : t('network.add')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {error && (
            <p className="inline-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
      {unreadable.length > 0 && (
        <>
          <h2 id={printers.length === 0 ? 'network-printers-heading' : undefined} className="network-printers__title">
            {t('network.unreadableTitle', { product: 'Trayside' })}
          </h2>
          <ul className="network-printers__list">
            {unreadable.map((printer, index) => (
              <li key={`${printer.name}-${index}`} className="network-printers__item network-printers__item--unreadable">
                <span className="network-printers__name">{printer.name}</span>
                <span className="network-printers__detail">{capitalise(printer.why)}.</span>
                <span className="network-printers__detail">{printer.whatWorks}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
