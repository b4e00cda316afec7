import { z } from 'zod';
import { RULE_CONTEXT_SHAPE, type RuleShape } from './rule-context.js';

/**
 * Targeting rules are json-logic (https://jsonlogic.com) — plain JSON data, never code — limited
 * to the operations below. The app evaluates them with json-logic-js plus the few operations
 * marked "Trayside" (docs/targeting.md documents each with examples).
 */

/** Standard json-logic operations a rule may use. `log` (side effect) and `method` (calls JS methods) are excluded. */
export const STANDARD_RULE_OPERATIONS = [
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
  'substr',
  'merge',
  'some',
  'all',
  'none',
  'filter',
  'map',
  'reduce',
] as const;

/**
 * Trayside operations, registered by the app on json-logic-js:
 * - `version<`, `version<=`, `version>`, `version>=`, `version==`: compare dotted version
 *   strings numerically segment by segment (`"2.10" > "2.9"`); a non-numeric segment compares
 *   as text; null or missing is never true.
 * - `starts_with`: `[text, prefix]`, true when text is a string starting with prefix.
 * - `lower`: `[text]`, the text in lowercase (for case-insensitive model matches).
 */
export const TRAYSIDE_RULE_OPERATIONS = ['version<', 'version<=', 'version>', 'version>=', 'version==', 'starts_with', 'lower'] as const;

/** Every operation a rule may use. */
export const RULE_OPERATIONS: readonly string[] = [...STANDARD_RULE_OPERATIONS, ...TRAYSIDE_RULE_OPERATIONS];

/** Operations whose second argument runs once per array item, with `var` paths relative to the item. */
const ITEM_SCOPED = new Set(['some', 'all', 'none', 'filter', 'map', 'reduce']);

/** Bounds that keep evaluation cheap on the device whatever the server sends. */
export const RULE_LIMITS = { maxDepth: 24, maxNodes: 1000, maxStringLength: 500 } as const;

const OPERATION_SET = new Set(RULE_OPERATIONS);

type Issue = { path: (string | number)[]; message: string };

/**
 * What `var` paths are relative to at one point of a rule: the whole context, or one item of an
 * array inside `some`/`all`/`none`/`filter`/`map`/`reduce` (json-logic gives those bodies only the item).
 */
interface Scope {
  shape: RuleShape;
  /** The array whose items this scope walks (`supplies`), or undefined at the top. */
  itemOf?: string;
}

const TOP_SCOPE: Scope = { shape: RULE_CONTEXT_SHAPE };
const ANY: RuleShape = { kind: 'any' };

/** Edit distance with adjacent transpositions counted as one edit (`modle` → `model` is 1). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known name a typo most likely meant, or undefined when none is close. */
export function nearestName(typo: string, known: readonly string[]): string | undefined {
  // No context name is this long; skipping saves quadratic work on a hostile 500-character path.
  if (typo.length > 64) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typo.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  // Two edits for names of four letters or more, one below: close enough to be a typo, not a different word.
  return best !== undefined && best.distance <= (typo.length >= 4 ? 2 : 1) ? best.name : undefined;
}

/** Follows a dotted `var` path through the context's shape; a problem names the path and the nearest valid name. */
function resolvePath(scope: Scope, name: string): { shape: RuleShape } | { problem: string } {
  if (name === '') return { shape: scope.shape };
  const parts = name.split('.');
  let shape = scope.shape;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    const walked = parts.slice(0, index).join('.');
    const inFull = index < parts.length - 1 ? ` (in "${name}")` : '';
    switch (shape.kind) {
      case 'any':
        return { shape };
      case 'object': {
        const next = shape.fields[part];
        if (next !== undefined) {
          shape = next;
          break;
        }
        const known = Object.keys(shape.fields);
        const guess = nearestName(part, known);
        const spelt = parts.slice(0, index + 1).join('.');
        const suggestion = guess === undefined ? '' : ` — did you mean ${[...parts.slice(0, index), guess].join('.')}?`;
        const what = scope.itemOf === undefined ? `context field "${spelt}"` : `field "${spelt}" of one "${scope.itemOf}" item`;
        const relative = scope.itemOf === undefined ? '' : ` Inside some/all/none/filter/map/reduce, paths are relative to one item.`;
        return {
          problem: `Unknown ${what}${inFull}${suggestion === '' ? '.' : suggestion}${relative} Known${walked === '' ? '' : ` under ${walked}`}: ${known.join(', ')}.`,
        };
      }
      case 'array':
        if (/^\d+$/.test(part)) {
          shape = shape.item;
          break;
        }
        if (part === 'length') {
          shape = { kind: 'value', type: 'a number' };
          break;
        }
        return {
          problem: `"${walked}" is a list: read an item by index ("${walked}.0.…") or use some/all/none/filter/map over it, not ".${part}".`,
        };
      case 'value':
        if (walked === '')
          return {
            problem: `Each "${scope.itemOf ?? 'context'}" item is ${shape.type} with no fields; use {"var": ""} for the item itself, not "${name}".`,
          };
        return { problem: `"${walked}" is ${shape.type}; it has no field "${part}"${inFull}.` };
    }
  }
  return { shape };
}

/** The name a `var` reads: `{"var": "a.b"}` or `{"var": ["a.b", default]}`; undefined when computed or numeric. */
function varName(args: unknown): string | undefined {
  const name = Array.isArray(args) ? args[0] : args;
  return typeof name === 'string' ? name : undefined;
}

/** The items an array expression yields, as far as it can be told without evaluating: `var` of a list, or `filter` of one. */
function itemScope(expression: unknown, scope: Scope): Scope {
  if (expression !== null && typeof expression === 'object' && !Array.isArray(expression)) {
    const entries = Object.entries(expression);
    if (entries.length === 1) {
      const [operation, args] = entries[0]!;
      if (operation === 'var') {
        const name = varName(args);
        if (name !== undefined) {
          const resolved = resolvePath(scope, name);
          if ('shape' in resolved && resolved.shape.kind === 'array')
            return { shape: resolved.shape.item, itemOf: name === '' ? scope.itemOf : name };
        }
      } else if (operation === 'filter' && Array.isArray(args)) {
        return itemScope(args[0], scope);
      }
    }
  }
  return { shape: ANY };
}

/** Literal names `missing` / `missing_some` test for (`{"missing": ["a", "b"]}`, `{"missing_some": [1, ["a", "b"]]}`). */
function missingNames(operation: string, args: unknown): { name: string; path: (string | number)[] }[] {
  const list = operation === 'missing_some' ? (Array.isArray(args) ? args[1] : undefined) : args;
  const prefix = operation === 'missing_some' ? [1] : [];
  const items = Array.isArray(list) ? list : [list];
  const nested = Array.isArray(list) && list.length === 1 && Array.isArray(list[0]);
  const names = nested ? (list[0] as unknown[]) : items;
  return names.flatMap((name, index) =>
    typeof name === 'string' ? [{ name, path: Array.isArray(list) ? [...prefix, ...(nested ? [0] : []), index] : prefix }] : [],
  );
}

/**
 * Checks a rule without recursion (a hostile body may be deeply nested); returns every problem
 * with its path. Every `var` path is checked against the documented context
 * (common/messages/rule-context.ts), inside `some`/`all`/… against one item of the list.
 */
export function checkRule(rule: unknown): Issue[] {
  const issues: Issue[] = [];
  const stack: { value: unknown; path: (string | number)[]; depth: number; scope: Scope }[] = [
    { value: rule, path: [], depth: 0, scope: TOP_SCOPE },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path, depth, scope } = stack.pop()!;
    nodes += 1;
    if (nodes > RULE_LIMITS.maxNodes) {
      issues.push({ path: [], message: `The rule has more than ${RULE_LIMITS.maxNodes} parts; split it or simplify it.` });
      break;
    }
    if (depth > RULE_LIMITS.maxDepth) {
      issues.push({ path, message: `The rule nests deeper than ${RULE_LIMITS.maxDepth} levels.` });
      continue;
    }
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) issues.push({ path, message: 'Numbers must be finite.' });
      continue;
    }
    if (typeof value === 'string') {
      if (value.length > RULE_LIMITS.maxStringLength)
        issues.push({ path, message: `Strings in a rule are at most ${RULE_LIMITS.maxStringLength} characters.` });
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: [...path, index], depth: depth + 1, scope }));
      continue;
    }
    if (typeof value !== 'object') {
      issues.push({ path, message: 'A rule is JSON data only.' });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length !== 1) {
      issues.push({
        path,
        message: `An object in a rule is one operation like {"==": [a, b]}; found ${keys.length} keys (${keys.slice(0, 5).join(', ')}).`,
      });
      continue;
    }
    const operation = keys[0]!;
    if (!OPERATION_SET.has(operation)) {
      issues.push({ path: [...path, operation], message: `Unknown rule operation "${operation}". Allowed: ${RULE_OPERATIONS.join(' ')}.` });
      continue;
    }
    const args = (value as Record<string, unknown>)[operation];
    const argPath = [...path, operation];
    if (operation === 'var') {
      const name = varName(args);
      if (name !== undefined && name.length <= RULE_LIMITS.maxStringLength) {
        const resolved = resolvePath(scope, name);
        if ('problem' in resolved) issues.push({ path: argPath, message: resolved.problem });
      }
    } else if (operation === 'missing' || operation === 'missing_some') {
      for (const { name, path: at } of missingNames(operation, args)) {
        if (name.length > RULE_LIMITS.maxStringLength) continue;
        const resolved = resolvePath(scope, name);
        if ('problem' in resolved) issues.push({ path: [...argPath, ...at], message: resolved.problem });
      }
    }
    if (ITEM_SCOPED.has(operation) && Array.isArray(args)) {
      // The first argument (the array) and reduce's initial value are read in the outer scope; the second runs per item.
      const items = itemScope(args[0], scope);
      const perItem: Scope =
        operation === 'reduce'
          ? {
              shape: { kind: 'object', fields: { current: items.shape, accumulator: ANY } },
              ...(items.itemOf === undefined ? {} : { itemOf: items.itemOf }),
            }
          : items;
      args.forEach((item, index) =>
        stack.push({ value: item, path: [...argPath, index], depth: depth + 2, scope: index === 1 ? perItem : scope }),
      );
      continue;
    }
    stack.push({ value: args, path: argPath, depth: depth + 1, scope });
  }
  return issues;
}

/** A targeting rule: json-logic data limited to RULE_OPERATIONS and the documented context paths; `true` targets everyone in the segment. */
export const RuleSchema = z.unknown().superRefine((rule, ctx) => {
  if (rule === undefined) {
    ctx.addIssue({ code: 'custom', message: 'A rule is required; use true to target everyone in the segment.' });
    return;
  }
  for (const issue of checkRule(rule)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});
/** json-logic JSON; validated by RuleSchema. */
export type Rule = unknown;
