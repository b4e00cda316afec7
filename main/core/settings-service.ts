import type { PauseChoice } from '../../common/contract/settings.js';
import { Emitter, type Clock, type Disposable } from '../../common/lifecycle.js';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsPatch } from '../../common/settings.js';

/** Where settings live: electron-store under Electron, conf under the Node host, memory in tests. */
export interface SettingsStorage {
  read(): unknown;
  write(settings: Settings): void;
}

/** Reads, changes and announces the owner's settings. */
export interface SettingsService {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
  pauseNotifications(choice: PauseChoice): Settings;
  /** True while notifications are paused. */
  notificationsPaused(): boolean;
  onChanged(listener: (settings: Settings) => void): Disposable;
}

/** Hour of the morning at which "until tomorrow" ends. */
const MORNING_HOUR = 8;

/**
 * Keeps every field that is still valid when the stored file is partly bad (hand-edited, from an
 * older version), so one broken value does not reset the owner's other choices.
 */
export function parseSettingsLeniently(raw: unknown): { settings: Settings; rejected: string[] } {
  const whole = SettingsSchema.safeParse(raw);
  if (whole.success) return { settings: whole.data, rejected: [] };
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const rejected: string[] = [];
  for (const [key, schema] of Object.entries(SettingsSchema.shape)) {
    if (!(key in record)) continue;
    const field = schema.safeParse(record[key]);
    if (field.success) settings[key] = field.data;
    else rejected.push(key);
  }
  return { settings: SettingsSchema.parse(settings), rejected };
}

/** Creates the service; `log` hears about fields that were dropped from a damaged file. */
export function createSettingsService(storage: SettingsStorage, clock: Clock, log: (message: string) => void = () => undefined): SettingsService {
  const loaded = parseSettingsLeniently(storage.read());
  if (loaded.rejected.length > 0) log(`settings: ignored invalid stored values for ${loaded.rejected.join(', ')}; using defaults for those`);
  let current = loaded.settings;
  const changed = new Emitter<Settings>();

  const commit = (next: Settings): Settings => {
    storage.write(next);
    current = next;
    changed.fire(current);
    return current;
  };

  return {
    get: () => current,
    update: (patch) => commit(SettingsSchema.parse({ ...current, ...patch })),
    pauseNotifications(choice) {
      return commit({ ...current, notificationsPausedUntil: pauseEnd(choice, clock.now()) });
    },
    notificationsPaused: () => current.notificationsPausedUntil !== null && current.notificationsPausedUntil > clock.now(),
    onChanged: (listener) => changed.on(listener),
  };
}

/** When a pause ends: an hour from now, or the next 08:00 local time. */
export function pauseEnd(choice: PauseChoice, now: number): number | null {
  if (choice === 'resume') return null;
  if (choice === 'one-hour') return now + 3_600_000;
  const end = new Date(now);
  end.setHours(MORNING_HOUR, 0, 0, 0);
  if (end.getTime() <= now) end.setDate(end.getDate() + 1);
  return end.getTime();
}

/** Storage that keeps settings in memory, for tests and for a host without a writable disk. */
export function memorySettingsStorage(initial: unknown = {}): SettingsStorage {
  let stored = initial;
  return {
    read: () => stored,
    write: (settings) => {
      stored = settings;
    },
  };
}
