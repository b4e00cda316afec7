import { useTranslator } from '../l10n/use-translator.js';
import { UnplugIcon } from './icons.js';

/** Said while the core cannot be reached, over the last known devices or on its own. */
export function ConnectionBanner({ hasDevices }: { hasDevices: boolean }) {
  const { t } = useTranslator();
  return (
    <div className="banner banner--error" role="alert">
      <UnplugIcon />
      <div>
        <p className="banner__title">{t('connection.title', { product: 'Trayside' })}</p>
        <p className="banner__body">
          {hasDevices ? `${t('connection.outdated')} ` : ''}
          {t('connection.retrying', { product: 'Trayside' })}
        </p>
      </div>
    </div>
  );
}
