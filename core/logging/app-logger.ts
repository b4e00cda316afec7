import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import pinoRoll from 'pino-roll';
import type { BundleLogEntry, LogLevel } from '../../common/diagnostics/bundle.js';
import { describeError } from '../../common/errors.js';
import type { Clock } from '../../common/lifecycle.js';
import { parseLogLine } from './log-line.js';

/**
 * The app's one logger, for the Node host and Electron main alike: pino writing NDJSON lines into
 * rotating files in `<data dir>/logs` (pino-roll, size-bounded: `files` × `maxFileBytes`), and
 * echoing each line as plain text to the host's console as before.
 *
 * pino-roll runs here as a plain destination stream in this thread, not as a pino transport:
 * transports load their module by path in a worker thread, which a bundled Electron main
 * (electron-vite) cannot resolve. The stream opens asynchronously, so lines logged before it is
 * open wait in a bounded buffer and are written first.
 *
 * `log(message)` is the signature every service already takes; the part before the first colon
 * ("devices: …", "messages: …") becomes the line's `source`.
 */

export const LOG_FILE_BASE = 'trayside';
export const LOG_EXTENSION = '.log';
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Lines kept while the file stream opens; past this the oldest are dropped (and counted). */
const EARLY_BUFFER_LINES = 2000;

export interface AppLoggerOptions {
  /** Folder for the rotating files; undefined logs to the console only (tests, no data dir). */
  dir: string | undefined;
  clock: Clock;
  /** Where each line also goes as text (the host's console); default none. */
  echo?: (line: string) => void;
  /** Normal verbosity; repro mode raises it for a while (core/diagnostics/repro-mode.ts). */
  level?: LogLevel;
  /** Bytes per file before it rolls over; default 1 MB. */
  maxFileBytes?: number;
  /** Files kept in all, the current one included; default 5. */
  files?: number;
}

export interface AppLogger {
  /** The services' `log(message)`: info, source from the "source: " prefix. */
  readonly log: (message: string) => void;
  write(level: LogLevel, source: string, message: string): void;
  level(): LogLevel;
  setLevel(level: LogLevel): void;
  /** The level outside repro mode. */
  readonly baseLevel: LogLevel;
  readonly dir: string | undefined;
  /** Resolves once the file stream is open (or failed to open: then the console only). */
  readonly ready: Promise<void>;
  /** Writes what is buffered to the files. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const SOURCE_PREFIX = /^([a-z][a-z0-9 -]{0,39}):\s/;

/** "devices: cannot read …" → { source: 'devices', message: 'cannot read …' }; no prefix → 'app'. */
export function splitSource(message: string): { source: string; message: string } {
  const match = SOURCE_PREFIX.exec(message);
  return match ? { source: match[1]!, message: message.slice(match[0].length) } : { source: 'app', message };
}

/** A stream that holds writes until its real destination is there. */
class DeferredStream {
  private buffer: string[] = [];
  private target: { write(chunk: string): unknown; flush?(cb: (error?: Error | null) => void): void } | undefined;
  dropped = 0;
  /**
   * pino-roll rolls to the next file only once its writer drains, so everything written within one
   * turn of the event loop lands in one file: a loop that logs megabytes at once grew a 1 MB file
   * to 6.5 MB. Past `burstBytes` in one turn, lines are counted instead of written, and the count
   * is logged in the next turn; files stay near their size and the total near its bound.
   */
  private burst = { bytes: 0, dropped: 0, scheduled: false };
  constructor(
    private readonly burstBytes: number,
    private readonly onBurstDropped: (lines: number) => void,
  ) {}
  write(chunk: string): boolean {
    if (this.target) this.writeBounded(chunk);
    else {
      this.buffer.push(chunk);
      if (this.buffer.length > EARLY_BUFFER_LINES) {
        this.buffer.shift();
        this.dropped++;
      }
    }
    return true;
  }
  private writeBounded(chunk: string): void {
    if (!this.burst.scheduled) {
      this.burst.scheduled = true;
      setImmediate(() => {
        this.burst.scheduled = false;
        this.flushed();
      });
    }
    if (this.burst.bytes >= this.burstBytes) {
      this.burst.dropped++;
      return;
    }
    this.burst.bytes += chunk.length;
    this.target!.write(chunk);
  }
  /** The writer caught up (a new turn, or an explicit flush): pino-roll has had its chance to roll. */
  flushed(): void {
    const { dropped, scheduled } = this.burst;
    this.burst = { bytes: 0, dropped: 0, scheduled };
    if (dropped > 0) this.onBurstDropped(dropped);
  }
  attach(target: { write(chunk: string): unknown; flush?(cb: (error?: Error | null) => void): void }): void {
    this.target = target;
    for (const chunk of this.buffer) target.write(chunk);
    this.buffer = [];
  }
  discard(): void {
    this.buffer = [];
  }
}

export function createAppLogger(options: AppLoggerOptions): AppLogger {
  const baseLevel = options.level ?? 'info';
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  const stream = new DeferredStream(maxFileBytes, (lines) =>
    logger.warn({ source: 'logging' }, `${lines} lines written at once were not kept (more than ${maxFileBytes} bytes in one go)`),
  );
  const logger: Logger = pino(
    {
      level: baseLevel,
      base: undefined,
      messageKey: 'message',
      timestamp: () => `,"time":${options.clock.now()}`,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  let file: Awaited<ReturnType<typeof pinoRoll>> | undefined;
  const ready: Promise<void> =
    options.dir === undefined
      ? Promise.resolve().then(() => stream.discard())
      : pinoRoll({
          file: join(options.dir, LOG_FILE_BASE),
          extension: LOG_EXTENSION,
          size: `${Math.max(1, Math.round(maxFileBytes / 1024))}k`,
          // pino-roll's count is in addition to the current file.
          limit: { count: Math.max(1, (options.files ?? 5) - 1), removeOtherLogFiles: true },
          mkdir: true,
        }).then(
          (opened) => {
            file = opened;
            opened.on('error', (error: Error) =>
              options.echo?.(`logging: cannot write the log files in ${options.dir} (${error.message})`),
            );
            stream.attach(opened);
            if (stream.dropped > 0) logger.warn({ source: 'logging' }, `${stream.dropped} lines from the start were not kept`);
          },
          (error: unknown) => {
            stream.discard();
            options.echo?.(`logging: no log files this run — cannot open ${options.dir} (${describeError(error)})`);
          },
        );

  const write = (level: LogLevel, source: string, message: string): void => {
    if (LEVELS.indexOf(level) >= LEVELS.indexOf('info') || logger.isLevelEnabled(level)) {
      options.echo?.(source === 'app' ? message : `${source}: ${message}`);
    }
    logger[level]({ source }, message);
  };

  return {
    log: (message) => {
      const split = splitSource(message);
      write('info', split.source, split.message);
    },
    write,
    level: () => logger.level as LogLevel,
    setLevel: (level) => {
      logger.level = level;
    },
    baseLevel,
    dir: options.dir,
    ready,
    flush: async () => {
      await ready;
      const opened = file;
      if (opened) await new Promise<void>((resolve) => opened.flush(() => resolve()));
      stream.flushed();
    },
    close: async () => {
      await ready;
      const opened = file;
      if (!opened) return;
      await new Promise<void>((resolve) => {
        opened.once('close', () => resolve());
        opened.end();
      });
    },
  };
}

/** The rolled files in `dir`, newest first (pino-roll numbers them trayside.1.log, trayside.2.log, …). */
export async function listLogFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${LOG_FILE_BASE}\\.(\\d+)\\${LOG_EXTENSION}$`);
  return names
    .map((name) => ({ name, number: Number(pattern.exec(name)?.[1] ?? Number.NaN) }))
    .filter((entry) => Number.isFinite(entry.number))
    .sort((a, b) => b.number - a.number)
    .map((entry) => join(dir, entry.name));
}

/** What readRecentLogs gives: lines oldest first, and what it could not use. */
export interface RecentLogs {
  entries: BundleLogEntry[];
  /** Lines that were not log lines (a torn last line, a foreign file). */
  unreadable: number;
  /** Bytes of older files not read because `maxBytes` was reached. */
  skippedBytes: number;
}

/** Reads the newest `maxBytes` of log files (whole files, newest first), each line checked against LogLineSchema, oldest line first. */
export async function readRecentLogs(dir: string, maxBytes: number): Promise<RecentLogs> {
  const files = await listLogFiles(dir);
  const chunks: BundleLogEntry[][] = [];
  let read = 0;
  let unreadable = 0;
  let skippedBytes = 0;
  for (const path of files) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      continue;
    }
    if (read + size > maxBytes && read > 0) {
      skippedBytes += size;
      continue;
    }
    read += size;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const entries: BundleLogEntry[] = [];
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      const entry = parseLogLine(line);
      if (entry) entries.push(entry);
      else unreadable++;
    }
    chunks.unshift(entries);
  }
  return { entries: chunks.flat(), unreadable, skippedBytes };
}
