/** Words and numbers of the "Get help" view, apart from React so they are tested on their own. */
import { englishTranslator, type Translator } from '../../../common/l10n/translator.js';

/** 1536 → "1.5 KB", 5_300_000 → "5.1 MB", with the decimal mark of the owner's language ("1,5 KB"). */
export function formatBytes(bytes: number, { t, intlLocale }: Translator = englishTranslator): string {
  if (bytes < 1024) return t('bytes.bytes', { count: bytes });
  const size = (value: number) => new Intl.NumberFormat(intlLocale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  if (bytes < 1024 * 1024) return t('bytes.kilobytes', { size: size(bytes / 1024) });
  return t('bytes.megabytes', { size: size(bytes / 1024 / 1024) });
}

/** Milliseconds left → "14:05" (minutes:seconds), never below 0:00. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** How to read a case code aloud, group by group: "K 7 Q M — 4 2 X D — 9" with digits in words for a screen reader. */
export function spokenCaseCode(groups: readonly string[], { t }: Translator = englishTranslator): string {
  const spoken = groups.map((group) => [...group].map((symbol) => t('upload.spokenDigit', { digit: symbol })).join(' '));
  return spoken.length === 0 ? '' : spoken.reduce((before, after) => t('upload.spokenThen', { before, after }));
}
