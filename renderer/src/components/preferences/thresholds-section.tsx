import { useId, useState } from 'react';
import type { PreferencesView } from '../../../../common/contract/preferences.js';
import { useTranslator } from '../../l10n/use-translator.js';
import { useStore } from '../../store/store.js';

type ThresholdRow = PreferencesView['supplyThresholds'][number];

/** Marks offered: a consumable warns at this much left, a receptacle (waste box) at this much full. */
const CONSUMABLE_MARKS = [5, 10, 15, 20, 25, 30, 40, 50];
const RECEPTACLE_MARKS = [50, 60, 70, 75, 80, 85, 90, 95];

/** The marks a row offers, with the owner's own among them even when it is not one of the usual steps. */
function marksOf(row: ThresholdRow): number[] {
  const usual = row.role === 'consumable' ? CONSUMABLE_MARKS : RECEPTACLE_MARKS;
  return row.percent === null || usual.includes(row.percent) ? usual : [...usual, row.percent].sort((a, b) => a - b);
}

/** Per kind/colour of supply: the level at which a low-supply alert fires, or the device's own mark. */
export function ThresholdsSection({ view }: { view: PreferencesView }) {
  const change = useStore((state) => state.changePreferences);
  const id = useId();
  const { t } = useTranslator();
  // The owner's latest pick per row until the core's view catches up: stepping through the list with
  // the arrow keys sends one change per step, and an earlier step's answer must not move the control back.
  const [picked, setPicked] = useState<Record<string, string>>({});
  return (
    <section className="help__section" aria-labelledby={`${id}-title`} aria-describedby={`${id}-hint`}>
      <h3 className="help__subtitle" id={`${id}-title`}>
        {t('thresholds.title')}
      </h3>
      <p className="preferences__source" id={`${id}-hint`}>
        {t('thresholds.hint')}
      </p>
      {view.supplyThresholds.length === 0 ? (
        <p>{t('thresholds.noSupplies')}</p>
      ) : (
        <ul className="preferences__list">
          {view.supplyThresholds.map((row) => {
            const rowId = `${id}-${row.kind}-${(row.color ?? 'none').replaceAll(/\s+/g, '-')}`;
            const percentWords = (percent: number): string =>
              t(row.role === 'consumable' ? 'thresholds.percentLeft' : 'thresholds.percentFull', { percent });
            return (
              <li key={rowId} className="preferences__row">
                <label htmlFor={rowId}>
                  {t(row.role === 'consumable' ? 'thresholds.warnAtOrBelow' : 'thresholds.warnAtOrAbove', { supply: row.name })}
                </label>{' '}
                <select
                  id={rowId}
                  value={picked[rowId] ?? (row.percent === null ? '' : String(row.percent))}
                  onBlur={() => setPicked(({ [rowId]: _done, ...rest }) => rest)}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    setPicked((before) => ({ ...before, [rowId]: value }));
                    void change({ supplyThreshold: { kind: row.kind, color: row.color, percent: value === '' ? null : Number(value) } });
                  }}
                >
                  <option value="">{t('thresholds.deviceMark', { mark: percentWords(Math.round(row.deviceThreshold)) })}</option>
                  {marksOf(row).map((percent) => (
                    <option key={percent} value={String(percent)}>
                      {percentWords(percent)}
                    </option>
                  ))}
                </select>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
