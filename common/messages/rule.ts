import { z } from 'zod';
import { RULE_CONTEXT_ROOTS } from './rule-context.js';

/**
 * Targeting rules are json-logic (https://jsonlogic.com) — plain JSON data, never code — limited
 * to the operations below. The app evaluates them with json-logic-js plus the few operations
 * marked "Trayside" (docs/targeting.md documents each with examples).
 */

/** Standard json-logic operations a rule may use. `log` (side effect) and `method` (calls JS methods) are excluded. */
export const STANDARD_RULE_OPERATIONS = [
  'var', 'missing', 'missing_some',
  'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and',
  '>', '>=', '<', '<=',
  'max', 'min', '+', '-', '*', '/', '%',
  'in', 'cat', 'substr', 'merge',
  'some', 'all', 'none', 'filter', 'map', 'reduce',
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

/** Checks a rule without recursion (a hostile body may be deeply nested); returns every problem with its path. */
export function checkRule(rule: unknown): Issue[] {
  const issues: Issue[] = [];
  const stack: { value: unknown; path: (string | number)[]; depth: number; itemScope: boolean }[] = [
    { value: rule, path: [], depth: 0, itemScope: false },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path, depth, itemScope } = stack.pop()!;
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
      if (value.length > RULE_LIMITS.maxStringLength) issues.push({ path, message: `Strings in a rule are at most ${RULE_LIMITS.maxStringLength} characters.` });
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: [...path, index], depth: depth + 1, itemScope }));
      continue;
    }
    if (typeof value !== 'object') {
      issues.push({ path, message: 'A rule is JSON data only.' });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length !== 1) {
      issues.push({ path, message: `An object in a rule is one operation like {"==": [a, b]}; found ${keys.length} keys (${keys.slice(0, 5).join(', ')}).` });
      continue;
    }
    const operation = keys[0]!;
    if (!OPERATION_SET.has(operation)) {
      issues.push({ path: [...path, operation], message: `Unknown rule operation "${operation}". Allowed: ${RULE_OPERATIONS.join(' ')}.` });
      continue;
    }
    const args = (value as Record<string, unknown>)[operation];
    const argPath = [...path, operation];
    if (operation === 'var' && !itemScope) {
      const name = Array.isArray(args) ? args[0] : args;
      if (typeof name === 'string' && name !== '') {
        const root = name.split('.')[0]!;
        if (!RULE_CONTEXT_ROOTS.includes(root)) {
          issues.push({ path: argPath, message: `Unknown context field "${root}" in "${name}". Known: ${RULE_CONTEXT_ROOTS.join(', ')}.` });
        }
      }
    }
    if (ITEM_SCOPED.has(operation) && Array.isArray(args)) {
      // The first argument (the array) is read in the outer scope, the rest per item.
      args.forEach((item, index) =>
        stack.push({ value: item, path: [...argPath, index], depth: depth + 2, itemScope: itemScope || index > 0 }),
      );
      continue;
    }
    stack.push({ value: args, path: argPath, depth: depth + 1, itemScope });
  }
  return issues;
}

/** A targeting rule: json-logic data limited to RULE_OPERATIONS and the context roots; `true` targets everyone in the segment. */
export const RuleSchema = z.unknown().superRefine((rule, ctx) => {
  if (rule === undefined) {
    ctx.addIssue({ code: 'custom', message: 'A rule is required; use true to target everyone in the segment.' });
    return;
  }
  for (const issue of checkRule(rule)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});
/** json-logic JSON; validated by RuleSchema. */
export type Rule = unknown;
