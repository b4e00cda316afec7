import { z } from 'zod';
import { LogLevelSchema, type BundleLogEntry, type LogLevel } from '../../common/diagnostics/bundle.js';

/**
 * One line of the app's log files (pino NDJSON) read back for a diagnostics capture.
 *
 * `LogLineSchema` is the contract. `parseLogLine` applies exactly that contract by hand, because
 * a capture reads tens of thousands of lines and zod's per-line cost was most of the time a
 * capture took. The two must agree on every input, accept/reject and output alike: the
 * fast-check property in log-line.test.ts holds them to it, so a change to either fails there.
 */
export const LogLineSchema = z.object({
  time: z.number().int().min(0),
  level: LogLevelSchema,
  source: z.string().max(100).default('app'),
  message: z.string(),
});

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(LogLevelSchema.options);

/** The entry of an already JSON-parsed line, or undefined when LogLineSchema would reject it. */
export function logEntryOf(value: unknown): BundleLogEntry | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { time, level, source, message } = value as Record<string, unknown>;
  // zod's int() is a safe integer: it also turns away 2^53 and above, and NaN/Infinity.
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) return undefined;
  if (typeof level !== 'string' || !LEVELS.has(level)) return undefined;
  if (source !== undefined && (typeof source !== 'string' || source.length > 100)) return undefined;
  if (typeof message !== 'string') return undefined;
  // A new object with only the contract's keys, in its order, like zod's output: nothing else of the line is carried.
  return { time, level: level as LogLevel, source: source ?? 'app', message };
}

/** One text line of a log file; undefined for a line that is not one the app wrote (torn, foreign, not JSON). */
export function parseLogLine(line: string): BundleLogEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return logEntryOf(value);
}
