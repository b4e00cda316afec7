import type { DeviceCondition, DeviceReading, DeviceState } from './device.js';
import { lowestSupply, supplyUrgency, type Supply } from './supply.js';
import { activeTranslator } from './l10n/active-translator.js';
import { describeLevelIn } from './l10n/supply-words.js';
import type { Translator } from './l10n/translator.js';

/** A translator's message function; by default the process's active locale. */
type T = Translator['t'];
const active: T = (key, values) => activeTranslator().t(key, values);

/**
 * One thing about a device that needs the owner: a condition the device reports, or a supply that
 * is low or empty. Views rank and word problems from these fields, never from the display text.
 */
export interface DeviceProblem {
  /** `error`: the device cannot work until it is fixed; `warning`: it works, but not for long. */
  severity: 'error' | 'warning';
  /** What it is about: a device condition (by its code) or a supply (by its id). */
  about: { kind: 'condition'; code: string } | { kind: 'supply'; supplyId: string };
  /** A few words naming it: "Paper jam", "Cyan ink low (5 %)". */
  headline: string;
  /** The whole sentence, with what to do where the device says it: "Paper jam: open the rear door and remove the paper". */
  message: string;
}

/** Overall state, the problems worst first, and the one line a person reads about a device. */
export interface DeviceSummary {
  state: DeviceState;
  /** Worst first: errors before warnings, device conditions before supplies of the same severity. */
  problems: DeviceProblem[];
  /** An `info` condition worth showing while nothing is wrong ("Cyan ink replaced"), else null. */
  note: string | null;
  statusLine: string;
}

/** The longest status line the device snapshot schema carries (common/device.ts). */
const STATUS_LINE_MAX = 300;

function supplyPhrase(supply: Supply, t: T): string {
  const values = { supply: supply.name, level: describeLevelIn(supply.level, t) };
  if (supply.role === 'receptacle') return t(supply.empty ? 'problem.receptacleFull' : 'problem.receptacleNearlyFull', values);
  return t(supply.empty ? 'problem.empty' : 'problem.low', values);
}

/** "Paper jam: open the rear door…" → "Paper jam": devices put the instruction after a colon. */
function headlineOf(message: string): string {
  const colon = message.indexOf(':');
  return colon > 0 ? message.slice(0, colon) : message;
}

function conditionProblem(condition: DeviceCondition & { severity: 'error' | 'warning' }): DeviceProblem {
  return {
    severity: condition.severity,
    about: { kind: 'condition', code: condition.code },
    headline: headlineOf(condition.message),
    message: condition.message,
  };
}

function supplyProblem(supply: Supply, t: T): DeviceProblem {
  const phrase = supplyPhrase(supply, t);
  // An empty consumable stops a printer, and so does a full waste receptacle.
  return {
    severity: supply.empty ? 'error' : 'warning',
    about: { kind: 'supply', supplyId: supply.id },
    headline: phrase,
    message: phrase,
  };
}

function isProblem(condition: DeviceCondition): condition is DeviceCondition & { severity: 'error' | 'warning' } {
  return condition.severity !== 'info';
}

/** Supplies that need attention, the one closest to running out first (ties keep the device's order). */
function suppliesWorstFirst(supplies: readonly Supply[]): Supply[] {
  const needing = supplies.filter((supply) => supplyUrgency(supply) > 0);
  const ordered: Supply[] = [];
  let rest = needing;
  while (rest.length > 0) {
    const next = lowestSupply(rest)!;
    ordered.push(next);
    rest = rest.filter((supply) => supply !== next);
  }
  return ordered;
}

/**
 * Every problem of a reading, worst first: errors the device reports (a jam, an open door), then
 * empty supplies, then warnings it reports, then low supplies. Within a group the device's own
 * order is kept for conditions; supplies go closest-to-empty first.
 */
export function listProblems(reading: Pick<DeviceReading, 'conditions' | 'supplies'>, t: T = active): DeviceProblem[] {
  const conditions = reading.conditions.filter(isProblem);
  const supplies = suppliesWorstFirst(reading.supplies).map((supply) => supplyProblem(supply, t));
  return [
    ...conditions.filter((condition) => condition.severity === 'error').map(conditionProblem),
    ...supplies.filter((problem) => problem.severity === 'error'),
    ...conditions.filter((condition) => condition.severity === 'warning').map(conditionProblem),
    ...supplies.filter((problem) => problem.severity === 'warning'),
  ];
}

/** "Cyan ink low" in the middle of a sentence: "cyan ink low"; an acronym ("PC load letter", "USB") stays as written. */
function inSentence(headline: string): string {
  const [first = '', second = ''] = headline;
  return second === second.toUpperCase() && second !== second.toLowerCase() ? headline : first.toLowerCase() + headline.slice(1);
}

/**
 * The line under the device's name: one problem in full ("Paper out: load paper in the main
 * tray"); several as how many, the worst by name, and the rest ("Paper jam · 2 more: door open,
 * cyan ink low (5 %)"), cut to fit the snapshot's 300 characters with the count still true.
 */
export function problemsLine(problems: readonly DeviceProblem[], t: T = active): string | null {
  const [worst, ...rest] = problems;
  if (worst === undefined) return null;
  if (rest.length === 0) return worst.message.slice(0, STATUS_LINE_MAX);
  const head = `${t('problem.more', { headline: worst.headline, count: rest.length })} `;
  const names = rest.map((problem) => inSentence(problem.headline));
  let listed = names.join(', ');
  for (let count = names.length - 1; `${head}${listed}`.length > STATUS_LINE_MAX && count >= 0; count -= 1) {
    listed = count === 0 ? '…' : `${names.slice(0, count).join(', ')}, …`;
  }
  return `${head}${listed}`.slice(0, STATUS_LINE_MAX);
}

/** Summarizes a reading: its problems worst first, the state they put the device in, and its status line. */
export function summarizeReading(reading: Pick<DeviceReading, 'conditions' | 'supplies'>, t: T = active): DeviceSummary {
  const problems = listProblems(reading, t);
  const note = reading.conditions.find((condition) => condition.severity === 'info')?.message ?? null;
  const worst = problems[0];
  const state: DeviceState = worst === undefined ? 'ok' : worst.severity === 'error' ? 'error' : 'attention';
  return { state, problems, note, statusLine: problemsLine(problems, t) ?? note ?? t('state.ok') };
}

/** The tray's overall state: the worst of all devices; no devices is "ok" (nothing to worry about). */
export function overallState(states: readonly DeviceState[]): DeviceState {
  const rank: Record<DeviceState, number> = { ok: 0, attention: 1, unreachable: 2, error: 3 };
  return states.reduce<DeviceState>((worst, state) => (rank[state] > rank[worst] ? state : worst), 'ok');
}
