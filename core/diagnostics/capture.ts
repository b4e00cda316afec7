import { arch, hostname, platform, release, userInfo } from 'node:os';
import type { DeviceIdentitySources, DeviceSnapshot } from '../../common/device.js';
import {
  BUNDLE_FORMAT,
  BUNDLE_LIMITS,
  BUNDLE_VERSION,
  DiagnosticsBundleSchema,
  type BundleDevice,
  type BundleDeviceError,
  type BundleEvent,
  type BundleLogEntry,
  type BundleMessage,
  type BundleStatusChange,
  type BundleSupplyHistory,
  type DiagnosticsBundle,
  type LeftOut,
} from '../../common/diagnostics/bundle.js';
import { describeError } from '../../common/errors.js';
import { remainingPercent } from '../../common/supply.js';
import { IEEE1284_KEY_ALIASES } from '../../native/decoders/ieee1284.js';
import type { LevelSample } from '../devices/run-out.js';
import { readRecentLogs } from '../logging/app-logger.js';
import { Redactor, type KnownValue, type RedactionChoices } from './redact.js';

/**
 * Capture gathers what support needs into plain data (`gatherCapture`); `buildBundle` turns that
 * into the bundle through one redaction pass with the owner's choices. Gathering reads files and
 * services once; building runs again each time the owner flips a keep/remove choice.
 */

const DAY_MS = 86_400_000;
export const HISTORY_DAYS = 30;
/** Newest log bytes read; with the default 5 × 1 MB rotation that is every file there is. */
export const LOG_BUDGET_BYTES = 6 * 1024 * 1024;
/** Settings keys whose values never leave the machine, whatever the owner chooses. */
const SECRET_KEY = /(token|secret|password|passwd|credential|api[-_]?key|private[-_]?key|auth)/i;

/** The plain data of one capture, before redaction. */
export interface CaptureInput {
  capturedAt: number;
  app: DiagnosticsBundle['app'];
  os: DiagnosticsBundle['os'];
  devices: readonly DeviceSnapshot[];
  /** What each device last said about itself before decoding, by device id. */
  identitySources: ReadonlyMap<string, DeviceIdentitySources>;
  /** Level history per device and supply. */
  samples: (deviceId: string, supplyId: string) => readonly LevelSample[];
  statusChanges: readonly BundleStatusChange[];
  errors: readonly BundleDeviceError[];
  messages: readonly BundleMessage[];
  events: readonly BundleEvent[];
  settings: Record<string, unknown>;
  logs: readonly BundleLogEntry[];
  repro: { start: number; end: number } | null;
  leftOut: readonly LeftOut[];
  /** Values known to be personal (serials, the account and machine names). */
  known: readonly KnownValue[];
}

/** Where gathering reads from; each host and the core fill it in. */
export interface CaptureSources {
  now: () => number;
  app: DiagnosticsBundle['app'];
  /** Electron's version when running in Electron. */
  electron?: string;
  locale?: string;
  devices: () => readonly DeviceSnapshot[];
  /** The raw identity a device last sent (1284 fields, HID descriptor summary, IPP attributes); absent for a host that has none. */
  identitySources?: (deviceId: string) => DeviceIdentitySources | undefined;
  samples: (deviceId: string, supplyId: string) => readonly LevelSample[];
  statusChanges: (from: number) => readonly BundleStatusChange[];
  errors: (from: number) => readonly BundleDeviceError[];
  messages: () => readonly BundleMessage[];
  events: (from: number) => readonly BundleEvent[];
  settings: () => Record<string, unknown>;
  /** Folder of the rotating log files; undefined: no logs this run. */
  logDir: string | undefined;
  repro: () => { start: number; end: number } | null;
  /** The OS account and machine names; default this process's. */
  identity?: () => { user?: string; host?: string };
}

function osIdentity(): { user?: string; host?: string } {
  const found: { user?: string; host?: string } = {};
  try {
    found.user = userInfo().username;
  } catch {
    // No passwd entry (a container's uid): nothing to redact literally; path patterns still catch it.
  }
  try {
    found.host = hostname();
  } catch {
    // Leave it to the patterns.
  }
  return found;
}

/** Reads everything a bundle holds, once. */
export async function gatherCapture(sources: CaptureSources): Promise<CaptureInput> {
  const capturedAt = sources.now();
  const from = capturedAt - HISTORY_DAYS * DAY_MS;
  const leftOut: LeftOut[] = [];
  let logs: BundleLogEntry[] = [];
  if (sources.logDir === undefined) {
    leftOut.push({ what: 'Logs', reason: 'This run keeps no log files (no data folder).' });
  } else {
    try {
      const recent = await readRecentLogs(sources.logDir, LOG_BUDGET_BYTES);
      logs = recent.entries;
      if (recent.skippedBytes > 0)
        leftOut.push({
          what: `Older log files (${recent.skippedBytes} bytes)`,
          reason: `Only the newest ${LOG_BUDGET_BYTES / 1024 / 1024} MB of logs go into a bundle.`,
        });
      if (recent.unreadable > 0)
        leftOut.push({
          what: `${recent.unreadable} log lines`,
          reason: 'They were not log lines the app wrote (a line cut off by a crash, or a foreign file).',
        });
    } catch (error) {
      leftOut.push({ what: 'Logs', reason: `The log files in ${sources.logDir} could not be read: ${describeError(error)}` });
    }
  }
  if (logs.length > BUNDLE_LIMITS.maxLogEntries) {
    leftOut.push({
      what: `${logs.length - BUNDLE_LIMITS.maxLogEntries} older log lines`,
      reason: `A bundle holds at most ${BUNDLE_LIMITS.maxLogEntries} log lines; the newest are kept.`,
    });
    logs = logs.slice(-BUNDLE_LIMITS.maxLogEntries);
  }

  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sources.settings())) {
    if (SECRET_KEY.test(key)) {
      settings[key] = '<secret>';
      leftOut.push({ what: `Setting "${key}"`, reason: 'It is a secret; secrets never go into a bundle.' });
    } else settings[key] = value;
  }

  const devices = sources.devices();
  const identity = (sources.identity ?? osIdentity)();
  const known: KnownValue[] = [];
  for (const device of devices) if (device.identity.serial) known.push({ kind: 'serial', value: device.identity.serial });
  const identitySources = new Map<string, DeviceIdentitySources>();
  for (const device of devices) {
    const raw = sources.identitySources?.(device.id);
    if (!raw) continue;
    identitySources.set(device.id, raw);
    known.push(...knownInRawIdentity(raw));
  }
  if (identity.user) known.push({ kind: 'user', value: identity.user });
  if (identity.host) known.push({ kind: 'host', value: identity.host });
  if ([...identitySources.values()].some((raw) => raw.ipp && PLACE_ATTRIBUTES.some((name) => Object.hasOwn(raw.ipp!, name)))) {
    leftOut.push({
      what: `IPP attributes that say where a printer is or who looks after it (${PLACE_ATTRIBUTES.join(', ')})`,
      reason:
        'They are free text the printer’s owner typed (a room, a person, a phone number); no redaction can tell what in them is personal.',
    });
  }
  if ([...identitySources.values()].some((raw) => raw.hid)) {
    leftOut.push({
      what: 'HID report descriptor bytes',
      reason: 'The bundle carries the descriptor in summary (its collection, report counts and usages), which is what support reads.',
    });
  }

  return {
    capturedAt,
    app: sources.app,
    os: {
      platform: platform(),
      release: release(),
      arch: arch(),
      node: process.versions.node,
      ...(sources.electron ? { electron: sources.electron } : {}),
      ...(sources.locale ? { locale: sources.locale } : {}),
    },
    devices,
    identitySources,
    samples: sources.samples,
    statusChanges: sources.statusChanges(from),
    errors: sources.errors(from),
    messages: sources.messages(),
    events: sources.events(from),
    settings,
    logs,
    repro: sources.repro(),
    leftOut,
    known,
  };
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** IPP attributes that are free text about a place or a person; left out of a bundle whole. */
const PLACE_ATTRIBUTES = [
  'printer-location',
  'printer-geo-location',
  'printer-contact-col',
  'printer-organization',
  'printer-organizational-unit',
] as const;

/** Serials and queue names in what a device sent, so redaction finds them wherever they appear. */
function knownInRawIdentity(raw: DeviceIdentitySources): KnownValue[] {
  const known: KnownValue[] = [];
  for (const [key, value] of Object.entries(raw.ieee1284 ?? {})) {
    if ((IEEE1284_KEY_ALIASES.serial as readonly string[]).includes(key) && value.trim() !== '') known.push({ kind: 'serial', value });
  }
  const ipp = raw.ipp ?? {};
  for (const name of ['printer-uuid', 'printer-serial-number', 'device-serial-number'] as const) {
    for (const value of [ipp[name] ?? []].flat())
      if (value.trim() !== '') known.push({ kind: 'serial', value: value.replace(/^urn:uuid:/i, '') });
  }
  for (const value of [ipp['printer-name'] ?? []].flat()) if (value.trim() !== '') known.push({ kind: 'queue', value });
  return known;
}

function ippForBundle(
  ipp: Record<string, string | string[]>,
  text: (value: string, max: number) => string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const { maxIppAttributes, maxIppValues, maxIppNameChars, maxIppValueChars } = BUNDLE_LIMITS;
  for (const [name, value] of Object.entries(ipp).slice(0, maxIppAttributes)) {
    if ((PLACE_ATTRIBUTES as readonly string[]).includes(name)) continue;
    out[text(name, maxIppNameChars)] = Array.isArray(value)
      ? value.slice(0, maxIppValues).map((entry) => text(entry, maxIppValueChars))
      : text(value, maxIppValueChars);
  }
  return out;
}

function device(
  snapshot: DeviceSnapshot,
  raw: DeviceIdentitySources | undefined,
  text: (value: string, max: number) => string,
): BundleDevice {
  const identity = snapshot.identity;
  const ieee1284: Record<string, string> = {};
  if (raw?.ieee1284) {
    // As the printer sent it, field by field; the bundle bounds how many.
    for (const [key, value] of Object.entries(raw.ieee1284).slice(0, 64)) ieee1284[text(key, 64)] = text(value, 1000);
  } else if (snapshot.transport === 'usb-printer' || snapshot.transport === 'simulated') {
    ieee1284.MFG = text(identity.manufacturer, 1000);
    ieee1284.MDL = text(identity.model, 1000);
    if (identity.commandSet.length > 0) ieee1284.CMD = text(identity.commandSet.join(','), 1000);
    if (identity.serial) ieee1284.SN = text(identity.serial, 1000);
  }
  const facts: Record<string, string> = {};
  for (const [key, value] of Object.entries(snapshot.facts).slice(0, 64)) facts[text(key, 64)] = text(value, 200);
  return {
    id: text(snapshot.id, 200),
    transport: snapshot.transport,
    manufacturer: text(identity.manufacturer, 200),
    model: text(identity.model, 200),
    ...(identity.serial ? { serial: text(identity.serial, 200) } : {}),
    ...(identity.firmware ? { firmware: text(identity.firmware, 200) } : {}),
    ...(identity.vendorId === undefined ? {} : { vendorId: identity.vendorId }),
    ...(identity.productId === undefined ? {} : { productId: identity.productId }),
    ...(Object.keys(ieee1284).length > 0 ? { ieee1284 } : {}),
    ...(raw?.hid ? { hid: { ...raw.hid, usages: raw.hid.usages.slice(0, 256).map((usage) => text(usage, 100)) } } : {}),
    ...(raw?.ipp ? { ipp: ippForBundle(raw.ipp, text) } : {}),
    state: snapshot.state,
    statusLine: text(snapshot.statusLine, 300),
    facts,
    stale: snapshot.stale,
    updatedAt: snapshot.updatedAt === null ? null : Math.max(0, Math.round(snapshot.updatedAt)),
  };
}

/** JSON values only, redacted and bounded the way the bundle schema wants settings. */
function jsonValue(value: unknown, text: (value: string, max: number) => string, depth = 0): unknown {
  if (typeof value === 'string') return text(value, 10_000);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (depth > 8) return null;
  if (Array.isArray(value)) return value.slice(0, 1000).map((item) => jsonValue(item, text, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      if (item !== undefined) out[text(key, 200)] = jsonValue(item, text, depth + 1);
    return out;
  }
  return null;
}

/** The bundle for one capture and one set of choices, with its redaction summary filled in. Never throws on odd text. */
export function buildBundle(input: CaptureInput, choices: RedactionChoices): DiagnosticsBundle {
  const redactor = new Redactor(choices, input.known);
  const text = (value: string, max: number): string => clip(redactor.text(value), max);
  const from = input.capturedAt - HISTORY_DAYS * DAY_MS;
  const supplies: BundleSupplyHistory[] = [];
  for (const snapshot of input.devices) {
    for (const supply of snapshot.supplies) {
      const samples = input.samples(snapshot.id, supply.id).filter((sample) => sample.at >= from);
      const remaining = remainingPercent(supply);
      supplies.push({
        deviceId: text(snapshot.id, 200),
        supplyId: text(supply.id, 200),
        name: text(supply.name, 200),
        kind: supply.kind,
        samples: samples
          .slice(-BUNDLE_LIMITS.maxHistorySamples)
          .map((sample): [number, number] => [Math.max(0, Math.round(sample.at)), Math.min(100, Math.max(0, sample.remaining))]),
        ...(remaining === undefined ? {} : { remaining: Math.min(100, Math.max(0, remaining)) }),
        ...(supply.daysLeft === undefined ? {} : { daysLeft: supply.daysLeft }),
      });
    }
  }
  const bundle: DiagnosticsBundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    capturedAt: input.capturedAt,
    app: {
      ...input.app,
      name: text(input.app.name, 100),
      version: text(input.app.version, 100),
      ...(input.app.branding ? { branding: text(input.app.branding, 200) } : {}),
    },
    os: {
      platform: clip(input.os.platform, 50),
      release: text(input.os.release, 200),
      arch: clip(input.os.arch, 50),
      ...(input.os.node ? { node: clip(input.os.node, 50) } : {}),
      ...(input.os.electron ? { electron: clip(input.os.electron, 50) } : {}),
      ...(input.os.locale ? { locale: clip(input.os.locale, 50) } : {}),
    },
    devices: input.devices
      .slice(0, BUNDLE_LIMITS.maxDevices)
      .map((snapshot) => device(snapshot, input.identitySources.get(snapshot.id), text)),
    history: {
      from,
      to: input.capturedAt,
      statusChanges: input.statusChanges
        .slice(-BUNDLE_LIMITS.maxEvents)
        .map((change) => ({ ...change, deviceId: text(change.deviceId, 200), statusLine: text(change.statusLine, 300) })),
      supplies: supplies.slice(0, 1000),
    },
    errors: input.errors
      .slice(-BUNDLE_LIMITS.maxEvents)
      .map((error) => ({ ...error, deviceId: text(error.deviceId, 200), code: text(error.code, 64), message: text(error.message, 300) })),
    messages: input.messages.slice(0, 1000).map((message) => ({
      messageId: text(message.messageId, 200),
      title: text(message.title, 500),
      ...(message.shownAt === undefined ? {} : { shownAt: message.shownAt }),
      actions: message.actions.slice(-200).map((action) => ({
        at: action.at,
        action: text(action.action, 100),
        ...(action.detail === undefined ? {} : { detail: text(action.detail, 500) }),
      })),
    })),
    events: input.events.slice(-BUNDLE_LIMITS.maxEvents).map((event) => ({
      at: event.at,
      type: text(event.type, 100),
      ...(event.detail === undefined ? {} : { detail: text(event.detail, 2000) }),
    })),
    settings: jsonValue(input.settings, text) as Record<string, unknown>,
    logs: input.logs.map((entry) => ({
      time: entry.time,
      level: entry.level,
      source: text(entry.source, 100),
      message: text(entry.message, 10_000),
    })),
    repro: input.repro,
    redaction: [],
    leftOut: input.leftOut.slice(0, 1000).map((entry) => ({ what: text(entry.what, 300), reason: text(entry.reason, 500) })),
  };
  bundle.redaction = redactor.summary();
  // The shape is ours, but a bundle that support's view would reject must fail here, where the owner sees why.
  // The log lines are left out of this check: they were parsed by readRecentLogs and are only clipped
  // here, and checking tens of thousands of them again would double the time a capture takes.
  const parsed = DiagnosticsBundleSchema.safeParse({
    ...bundle,
    logs: bundle.logs.length <= BUNDLE_LIMITS.maxLogEntries ? [] : bundle.logs,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `The diagnostics bundle came out malformed at ${issue?.path.join('.') ?? '(root)'}: ${issue?.message ?? 'invalid'}. Please report this to support with a screenshot.`,
    );
  }
  return bundle;
}

/**
 * The exact text that is reviewed, exported and uploaded: JSON a person can read, with objects
 * indented and each entry of a list (a log line, a status change) on one line of its own, which
 * keeps 5 MB of logs about 5 MB instead of doubling them with indentation.
 */
export function bundleText(bundle: DiagnosticsBundle): string {
  return `${readableJson(bundle, '')}\n`;
}

function readableJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + JSON.stringify(item)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${readableJson(item, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
