import type { BundleLogEntry, LogLevel } from '../../common/diagnostics/bundle.js';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The log lines at or above `minLevel` whose message or source contains `search` (any case). */
export function filterLogs(logs: readonly BundleLogEntry[], search: string, minLevel: LogLevel): BundleLogEntry[] {
  const floor = LOG_LEVELS.indexOf(minLevel);
  const needle = search.trim().toLowerCase();
  return logs.filter(
    (line) =>
      LOG_LEVELS.indexOf(line.level) >= floor &&
      (needle === '' || line.message.toLowerCase().includes(needle) || line.source.toLowerCase().includes(needle)),
  );
}
