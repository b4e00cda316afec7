import { checkRule, RULE_OPERATIONS } from './rule.js';
import type { RuleContext, RuleSupply } from './rule-context.js';
import type { DeviceSnapshot } from '../device.js';
import type { Supply } from '../supply.js';

/**
 * Fine targeting on the device (DESIGN.md, Messages). A rule is json-logic data
 * (common/messages/rule.ts, docs/targeting.md); it is compiled once per manifest into a tree of
 * closures with the semantics of json-logic-js 2.0.5 (the tests run both side by side on random
 * rules). Why not call json-logic-js at runtime: its `apply` re-walks the JSON on every call
 * (about 5x slower than these closures, see bench/targeting.ts) and its operation table is global and
 * mutable (`add_operation`), so one careless caller could widen what rules may do. Here the
 * operations are a closed list, unknown ones are refused at compile time, nothing is ever
 * `eval`ed, and a context property is read only when it is the object's own (no `__proto__`,
 * `constructor`).
 */

/** A compiled rule: returns the json-logic value for one context. */
export type Evaluator = (data: unknown) => unknown;

/** A rule that could not be compiled; `message` names the operation or field. */
export class RuleCompileError extends Error {
  override readonly name = 'RuleCompileError';
}

const OPERATIONS = new Set(RULE_OPERATIONS);

/** json-logic truthiness: like JavaScript, except an empty array is false (jsonlogic.com/truthy). */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return Boolean(value);
}

const hasOwn = Object.prototype.hasOwnProperty;

function isLogic(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;
}

/** Reads a dotted path the way json-logic-js does, but only through own properties. */
function readPath(data: unknown, path: unknown, notFound: unknown): unknown {
  if (path === undefined || path === '' || path === null) return data;
  const parts = String(path).split('.');
  let current: unknown = data;
  for (const part of parts) {
    if (current === null || current === undefined) return notFound;
    if ((typeof current === 'object' || typeof current === 'string') && hasOwn.call(current, part)) {
      current = (current as Record<string, unknown>)[part];
    } else {
      return notFound;
    }
    if (current === undefined) return notFound;
  }
  return current;
}

/** Compares dotted versions segment by segment; numeric segments numerically ("2.10" > "2.9"). */
export function compareVersions(left: string, right: string): number {
  const a = left.split('.');
  const b = right.split('.');
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const x = a[index] ?? '0';
    const y = b[index] ?? '0';
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      const difference = Number(x) - Number(y);
      if (difference !== 0) return Math.sign(difference);
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function versionOperation(test: (order: number) => boolean): (a: unknown, b: unknown) => boolean {
  return (a, b) => {
    if ((typeof a !== 'string' && typeof a !== 'number') || (typeof b !== 'string' && typeof b !== 'number')) return false;
    return test(compareVersions(String(a), String(b)));
  };
}

// json-logic's == and != are JavaScript's loose comparisons by definition.
/** Operations whose arguments are all evaluated first (json-logic's "everyone else"). */
const EAGER: Record<string, (...args: unknown[]) => unknown> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  '<': (a, b, c) => (c === undefined ? (a as number) < (b as number) : (a as number) < (b as number) && (b as number) < (c as number)),
  '<=': (a, b, c) => (c === undefined ? (a as number) <= (b as number) : (a as number) <= (b as number) && (b as number) <= (c as number)),
  '!!': (a) => truthy(a),
  '!': (a) => !truthy(a),
  '%': (a, b) => (a as number) % (b as number),
  in: (a, b) => {
    if (!b || typeof (b as { indexOf?: unknown }).indexOf !== 'function') return false;
    return (b as { indexOf(value: unknown): number }).indexOf(a) !== -1;
  },
  cat: (...args) => args.join(''),
  substr: (source, start, end) => {
    if ((end as number) < 0) {
      const temp = String(source).substr(start as number);
      return temp.substr(0, temp.length + (end as number));
    }
    return String(source).substr(start as number, end as number);
  },
  '+': (...args) => args.reduce<number>((sum, value) => sum + parseFloat(value as string), 0),
  '*': (...args) => {
    if (args.length === 0) throw new TypeError('"*" needs at least one value');
    return args.reduce((product, value) => parseFloat(product as string) * parseFloat(value as string));
  },
  '-': (a, b) => (b === undefined ? -(a as number) : (a as number) - (b as number)),
  '/': (a, b) => (a as number) / (b as number),
  min: (...args) => Math.min(...(args as number[])),
  max: (...args) => Math.max(...(args as number[])),
  merge: (...args) => args.reduce<unknown[]>((all, value) => all.concat(value), []),
  'version<': versionOperation((order) => order < 0),
  'version<=': versionOperation((order) => order <= 0),
  'version>': versionOperation((order) => order > 0),
  'version>=': versionOperation((order) => order >= 0),
  'version==': versionOperation((order) => order === 0),
  starts_with: (text, prefix) => typeof text === 'string' && typeof prefix === 'string' && text.startsWith(prefix),
  lower: (text) => (typeof text === 'string' ? text.toLowerCase() : null),
};

function compileNode(node: unknown): Evaluator {
  if (Array.isArray(node)) {
    // A literal list (`["DE","AT"]`) is built once; no operation mutates its arguments.
    if (!node.some((item) => isLogic(item) || Array.isArray(item))) {
      const constant = node;
      return () => constant;
    }
    const items = node.map(compileNode);
    return (data) => items.map((item) => item(data));
  }
  if (!isLogic(node)) return () => node;
  const operation = Object.keys(node)[0]!;
  if (!OPERATIONS.has(operation)) throw new RuleCompileError(`Unknown rule operation "${operation}".`);
  const raw = node[operation];
  const values = Array.isArray(raw) ? raw : [raw];
  switch (operation) {
    case 'var':
      return compileVar(values);
    case 'missing':
      return compileMissing(values);
    case 'missing_some': {
      const needCount = compileNode(values[0]);
      const options = compileNode(values[1]);
      return (data) => {
        const keys = options(data) as unknown[];
        const missing = missingKeys(keys, data);
        return keys.length - missing.length >= (needCount(data) as number) ? [] : missing;
      };
    }
    case 'if':
    case '?:': {
      const parts = values.map(compileNode);
      return (data) => {
        let index = 0;
        for (; index < parts.length - 1; index += 2) {
          if (truthy(parts[index]!(data))) return parts[index + 1]!(data);
        }
        return parts.length === index + 1 ? parts[index]!(data) : null;
      };
    }
    case 'and': {
      const parts = values.map(compileNode);
      return (data) => {
        let current: unknown;
        for (const part of parts) {
          current = part(data);
          if (!truthy(current)) return current;
        }
        return current;
      };
    }
    case 'or': {
      const parts = values.map(compileNode);
      return (data) => {
        let current: unknown;
        for (const part of parts) {
          current = part(data);
          if (truthy(current)) return current;
        }
        return current;
      };
    }
    case 'filter':
    case 'map':
    case 'all':
    case 'none':
    case 'some':
      return compileScoped(operation, values);
    case 'reduce': {
      const source = compileNode(values[0]);
      const body = compileNode(values[1]);
      const initial = values[2] !== undefined ? compileNode(values[2]) : () => null;
      return (data) => {
        const items = source(data);
        const start = initial(data);
        if (!Array.isArray(items)) return start;
        return items.reduce((accumulator: unknown, current: unknown) => body({ current, accumulator }), start);
      };
    }
    default:
      return compileEager(EAGER[operation]!, values.map(compileNode));
  }
}

function compileEager(apply: (...args: unknown[]) => unknown, args: Evaluator[]): Evaluator {
  // Fixed arities avoid an argument array per call: most rules are comparisons of two values.
  if (args.length === 1) {
    const [a] = args as [Evaluator];
    return (data) => apply(a(data));
  }
  if (args.length === 2) {
    const [a, b] = args as [Evaluator, Evaluator];
    return (data) => apply(a(data), b(data));
  }
  return (data) => apply(...args.map((arg) => arg(data)));
}

function compileVar(values: unknown[]): Evaluator {
  const fallback = values[1] === undefined ? () => null : compileNode(values[1]);
  if (isLogic(values[0]) || Array.isArray(values[0])) {
    const path = compileNode(values[0]);
    return (data) => readPath(data, path(data), fallback(data));
  }
  const path = values[0];
  if (path === undefined || path === '' || path === null) return (data) => data;
  const parts = String(path).split('.');
  if (parts.length === 1 && values[1] === undefined) {
    const key = parts[0]!;
    return (data) => {
      if (data === null || data === undefined) return null;
      if ((typeof data === 'object' || typeof data === 'string') && hasOwn.call(data, key)) {
        const value = (data as Record<string, unknown>)[key];
        return value === undefined ? null : value;
      }
      return null;
    };
  }
  return (data) => readPath(data, path, fallback(data));
}

function missingKeys(keys: unknown[], data: unknown): unknown[] {
  const missing: unknown[] = [];
  for (const key of keys) {
    const value = readPath(data, key, null);
    if (value === null || value === '') missing.push(key);
  }
  return missing;
}

function compileMissing(values: unknown[]): Evaluator {
  const args = values.map(compileNode);
  return (data) => {
    const evaluated = args.map((arg) => arg(data));
    const keys = Array.isArray(evaluated[0]) ? (evaluated[0] as unknown[]) : evaluated;
    return missingKeys(keys, data);
  };
}

function compileScoped(operation: 'filter' | 'map' | 'all' | 'none' | 'some', values: unknown[]): Evaluator {
  const source = compileNode(values[0]);
  const body = compileNode(values[1]);
  switch (operation) {
    case 'filter':
      return (data) => {
        const items = source(data);
        return Array.isArray(items) ? items.filter((item) => truthy(body(item))) : [];
      };
    case 'map':
      return (data) => {
        const items = source(data);
        return Array.isArray(items) ? items.map((item) => body(item)) : [];
      };
    case 'all':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || items.length === 0) return false;
        for (const item of items) if (!truthy(body(item))) return false;
        return true;
      };
    case 'none':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || items.length === 0) return true;
        for (const item of items) if (truthy(body(item))) return false;
        return true;
      };
    case 'some':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || items.length === 0) return false;
        for (const item of items) if (truthy(body(item))) return true;
        return false;
      };
  }
}

/** Compiles any json-logic value (without the context-root check); throws RuleCompileError on an unknown operation. */
export function compileLogic(rule: unknown): Evaluator {
  return compileNode(rule);
}

/**
 * Compiles a targeting rule: checks it against the allowed operations, context roots and size
 * limits (common/messages/rule.ts) and returns a predicate. Evaluation errors (a rule dividing
 * strings, `*` with no values) count as "does not match", never as an exception.
 */
export function compileRule(rule: unknown): (context: RuleContext) => boolean {
  const issues = checkRule(rule);
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new RuleCompileError(`${first.path.length > 0 ? `${first.path.join('.')}: ` : ''}${first.message}`);
  }
  const evaluate = compileNode(rule);
  return (context) => {
    try {
      return truthy(evaluate(context));
    } catch {
      return false;
    }
  };
}

/** Facts about this install and owner that do not come from a device. */
export interface TargetingEnvironment {
  os: RuleContext['os'];
  osVersion: string;
  locale: string;
  region: string | null;
  appVersion: string;
  daysSinceInstall: number;
  crmSegments: readonly string[];
}

/** A supply's colour as rules and triggers compare it: its name in lower case, null without one. */
export function ruleColorOf(supply: Pick<Supply, 'color'>): string | null {
  return supply.color ? supply.color.name.toLowerCase() : null;
}

/** Builds the rule context for one device snapshot (or none); predicted days left come with the snapshot (core/devices/supply-history.ts). */
export function buildRuleContext(environment: TargetingEnvironment, snapshot: DeviceSnapshot | null): RuleContext {
  const supplies: RuleSupply[] =
    snapshot?.supplies.map((supply) => ({
      kind: supply.kind,
      color: ruleColorOf(supply),
      role: supply.role,
      level: supply.level.kind === 'percent' ? supply.level.percent : null,
      low: supply.low,
      empty: supply.empty,
      daysLeft: supply.daysLeft ?? null,
      partNumber: supply.partNumber ?? null,
    })) ?? [];
  return {
    device: snapshot
      ? {
          vendor: snapshot.identity.manufacturer,
          model: snapshot.identity.model,
          firmware: snapshot.identity.firmware ?? null,
          vendorId: snapshot.identity.vendorId ?? null,
          productId: snapshot.identity.productId ?? null,
        }
      : null,
    supplies,
    errors: snapshot ? snapshot.conditions.map((condition) => condition.code) : [],
    os: environment.os,
    osVersion: environment.osVersion,
    locale: environment.locale,
    region: environment.region,
    appVersion: environment.appVersion,
    daysSinceInstall: environment.daysSinceInstall,
    crm: { segments: [...environment.crmSegments] },
  };
}
