import type { PauseChoice } from '../common/contract/settings.js';
import { Emitter, type Clock, type Disposable } from '../common/lifecycle.js';
import {
  ChosenFieldSchema,
  DEFAULT_SETTINGS,
  SettingsPatchSchema,
  SettingsRecoverySchema,
  SettingsSchema,
  type ChosenField,
  type Consent,
  type Settings,
  type SettingsPatch,
  type SettingsRecovery,
  type SettingsStatus,
} from '../common/settings.js';
import { describeError } from '../common/errors.js';

/**
 * Where settings live: electron-store under Electron, a JSON file under the Node host, memory in
 * tests. The stored document is the settings' fields plus, while the owner has not answered it,
 * the damaged-file notice under `recovery` (so it survives a restart).
 */
export interface SettingsStorage {
  /** Where the settings live, as the owner would look for them (a path). */
  readonly location: string;
  /**
   * The stored document, or undefined when there is none yet (first start). Throws
   * DamagedSettingsError (after keeping the damaged file aside) when something is stored but
   * cannot be used; any other error is treated the same way.
   */
  read(): unknown;
  /** Throws when the settings cannot be saved. */
  write(settings: Settings, recovery: SettingsRecovery | null): void;
  /** Why the settings cannot be saved (a read-only file or folder), or undefined when they can. */
  cannotSave?(): string | undefined;
}

/** A stored settings file that exists but cannot be used. */
export class DamagedSettingsError extends Error {
  override readonly name = 'DamagedSettingsError';
  constructor(
    /** What was wrong, in a few words: "is not valid JSON". */
    readonly problem: string,
    /** Where the damaged file was kept; null when it could not be moved. */
    readonly keptAs: string | null,
  ) {
    super(problem);
  }
}

/** Reads, changes and announces the owner's settings. */
export interface SettingsService {
  get(): Settings;
  /** Whether consent is known, a damaged file was recovered, the settings can be saved. */
  status(): SettingsStatus;
  /** Changes only the fields the patch names. Naming `consent` confirms it after a damaged file. */
  update(patch: SettingsPatch): Settings;
  pauseNotifications(choice: PauseChoice): Settings;
  /** True while notifications are paused. */
  notificationsPaused(): boolean;
  /** True when nothing was stored at start (a first start, or a settings file that went missing). */
  readonly firstStart: boolean;
  /** The stored consent choice turned out to be lost (e.g. the file vanished while events waited): ask the owner again. */
  consentLost(problem: string): void;
  onChanged(listener: (settings: Settings) => void): Disposable;
  onStatusChanged(listener: (status: SettingsStatus) => void): Disposable;
  /** The consent level changed, or was confirmed after being unknown. */
  onConsentChanged(listener: (consent: Consent) => void): Disposable;
  /**
   * The owner explicitly chose "none" after a sharing level or an unknown one. The only signal
   * that may delete queued events: a reset, a default or a damaged file never fires it.
   */
  onConsentWithdrawn(listener: () => void): Disposable;
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
  const record = isRecord(raw) ? raw : {};
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

interface Loaded {
  settings: Settings;
  recovery: SettingsRecovery | null;
  /** The recovery was found in this start (not carried over from an earlier one). */
  freshRecovery: boolean;
  firstStart: boolean;
}

function load(storage: SettingsStorage, now: number, log: (message: string) => void): Loaded {
  const damaged = (problem: string, keptAs: string | null): Loaded => ({
    settings: DEFAULT_SETTINGS,
    recovery: { file: storage.location, problem, keptAs, at: now },
    freshRecovery: true,
    firstStart: false,
  });
  let raw: unknown;
  try {
    raw = storage.read();
  } catch (error) {
    if (error instanceof DamagedSettingsError) return damaged(error.problem, error.keptAs);
    return damaged(`could not be read (${describeError(error)})`, null);
  }
  if (raw === undefined) return { settings: DEFAULT_SETTINGS, recovery: null, freshRecovery: false, firstStart: true };
  if (!isRecord(raw)) return damaged(`holds ${describeValue(raw)} instead of settings`, null);

  const { settings, rejected } = parseSettingsLeniently(raw);
  const others = rejected.filter((key) => key !== 'consent');
  if (others.length > 0) log(`settings: ignored invalid stored values for ${others.join(', ')}; using defaults for those`);
  if (rejected.includes('consent'))
    return { ...damaged('holds an invalid consent value', null), settings: { ...settings, consent: 'none' } };
  if (raw.recovery !== undefined && raw.recovery !== null) {
    const carried = SettingsRecoverySchema.safeParse(raw.recovery);
    const recovery = carried.success ? carried.data : { file: storage.location, problem: 'was damaged earlier', keptAs: null, at: now };
    // Still unanswered from an earlier start: consent stays unknown (sent and deleted as "none" is neither).
    return { settings: { ...settings, consent: 'none' }, recovery, freshRecovery: false, firstStart: false };
  }
  return { settings, recovery: null, freshRecovery: false, firstStart: false };
}

/** Creates the service; `log` hears about a damaged file, dropped fields and settings that cannot be saved. */
export function createSettingsService(
  storage: SettingsStorage,
  clock: Clock,
  log: (message: string) => void = () => undefined,
): SettingsService {
  const loaded = load(storage, clock.now(), log);
  let current = loaded.settings;
  /** While set, consent is unknown: `current.consent` is "none" so nothing is recorded or sent. */
  let recovery = loaded.recovery;
  let notSaved: SettingsStatus['notSaved'] = null;
  const changed = new Emitter<Settings>();
  const statusChanged = new Emitter<SettingsStatus>();
  const consentChanged = new Emitter<Consent>();
  const consentWithdrawn = new Emitter<void>();

  const status = (): SettingsStatus => ({ consent: recovery === null ? 'known' : 'unknown', recovered: recovery, notSaved });

  /** Saves; a failure keeps the settings in memory and is said once, not on every change. */
  const save = (): void => {
    const before = notSaved;
    try {
      const problem = storage.cannotSave?.();
      if (problem !== undefined) throw new Error(problem);
      storage.write(current, recovery);
      notSaved = null;
    } catch (error) {
      const problem = describeError(error);
      if (notSaved === null) log(`settings: cannot save settings to ${storage.location} (${problem}); changes last until Trayside quits`);
      notSaved = { file: storage.location, problem };
    }
    if ((before === null) !== (notSaved === null)) statusChanged.fire(status());
  };

  if (recovery !== null && loaded.freshRecovery) {
    const kept = recovery.keptAs === null ? 'it could not be moved aside' : `kept it as ${recovery.keptAs}`;
    log(`settings: ${recovery.file} ${recovery.problem}; ${kept}; usage sharing is paused until the owner chooses again`);
    // Written at once so the notice (and the unknown consent) survives a restart.
    save();
  } else {
    const problem = storage.cannotSave?.();
    if (problem !== undefined) {
      notSaved = { file: storage.location, problem };
      log(`settings: cannot save settings to ${storage.location} (${problem}); changes last until Trayside quits`);
    }
  }

  const commit = (next: Settings): Settings => {
    current = next;
    save();
    changed.fire(current);
    return current;
  };

  return {
    get: () => current,
    status,
    firstStart: loaded.firstStart,
    update(patch) {
      const named = withoutUndefined(SettingsPatchSchema.parse(patch));
      const before = { consent: current.consent, known: recovery === null };
      const choosesConsent = named.consent !== undefined;
      if (choosesConsent) recovery = null;
      commit(SettingsSchema.parse({ ...current, ...named, ...chosenAfter(current, named) }));
      if (choosesConsent) {
        if (!before.known) statusChanged.fire(status());
        if (current.consent !== before.consent || !before.known) consentChanged.fire(current.consent);
        if (current.consent === 'none' && (before.consent !== 'none' || !before.known)) consentWithdrawn.fire();
      }
      return current;
    },
    pauseNotifications(choice) {
      return commit({ ...current, notificationsPausedUntil: pauseEnd(choice, clock.now()) });
    },
    notificationsPaused: () => current.notificationsPausedUntil !== null && current.notificationsPausedUntil > clock.now(),
    consentLost(problem) {
      if (recovery !== null) return;
      recovery = { file: storage.location, problem, keptAs: null, at: clock.now() };
      log(`settings: ${storage.location} ${problem}; usage sharing is paused until the owner chooses again`);
      const previous = current.consent;
      commit({ ...current, consent: 'none' });
      statusChanged.fire(status());
      if (previous !== 'none') consentChanged.fire('none');
    },
    onChanged: (listener) => changed.on(listener),
    onStatusChanged: (listener) => statusChanged.on(listener),
    onConsentChanged: (listener) => consentChanged.on(listener),
    onConsentWithdrawn: (listener) => consentWithdrawn.on(() => listener()),
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

/**
 * Storage that keeps settings in memory, for tests and for a host without a writable disk.
 * `initial` is the stored document; undefined = a first start.
 */
export function memorySettingsStorage(initial?: unknown): SettingsStorage {
  let stored = initial;
  return {
    location: 'memory',
    read: () => stored,
    write: (settings, recovery) => {
      stored = recovery === null ? settings : { ...settings, recovery };
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "null", "an array", "a number": what a file held instead of settings. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The fields a patch names join the owner's chosen ones (a file of an earlier version, without the list, already counts every field as chosen). */
function chosenAfter(current: Settings, patch: SettingsPatch): Pick<Settings, 'chosenFields'> {
  if (current.chosenFields === undefined || patch.chosenFields !== undefined) return {};
  const named = Object.keys(patch).filter((key): key is ChosenField => (ChosenFieldSchema.options as string[]).includes(key));
  return { chosenFields: [...new Set([...current.chosenFields, ...named])] };
}

/** `{ consent: undefined }` names no field: zod's optional lets it through, spreading it would erase one. */
function withoutUndefined(patch: SettingsPatch): SettingsPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as SettingsPatch;
}
