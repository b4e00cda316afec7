/** Words and numbers of the "Get help" view, apart from React so they are tested on their own. */

/** 1536 → "1.5 KB", 5_300_000 → "5.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Milliseconds left → "14:05" (minutes:seconds), never below 0:00. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

const SPOKEN_DIGITS: Record<string, string> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
};

/** How to read a case code aloud, group by group: "K 7 Q M — 4 2 X D — 9" with digits in words for a screen reader. */
export function spokenCaseCode(groups: readonly string[]): string {
  return groups.map((group) => [...group].map((symbol) => SPOKEN_DIGITS[symbol] ?? symbol).join(' ')).join(', then ');
}
