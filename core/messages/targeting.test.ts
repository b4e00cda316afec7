import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../../common/device.js';
import { RuleContextSchema, type RuleContext } from '../../common/messages/rule-context.js';
import { buildRuleContext, compareVersions, compileLogic, compileRule, RuleCompileError, type TargetingEnvironment } from './targeting.js';

const jsonLogic = createRequire(import.meta.url)('json-logic-js') as {
  apply(rule: unknown, data: unknown): unknown;
  add_operation(name: string, code: unknown): void;
};

const environment: TargetingEnvironment = {
  os: 'windows',
  osVersion: '10.0.22631',
  locale: 'de-DE',
  region: 'DE',
  appVersion: '1.4.0',
  daysSinceInstall: 42,
  crmSegments: ['loyal', 'xl-buyer'],
};

const snapshot: DeviceSnapshot = {
  id: 'sim-1',
  transport: 'simulated',
  identity: {
    manufacturer: 'Trayside',
    model: 'Trayside Demo Printer',
    firmware: '2.10.1',
    vendorId: 0x1234,
    productId: 0x42,
    commandSet: [],
  },
  state: 'attention',
  statusLine: 'Cyan low',
  conditions: [{ code: 'media-jam', severity: 'error', message: 'Paper jam' }],
  supplies: [
    {
      id: 'black',
      name: 'Black ink',
      kind: 'ink',
      role: 'consumable',
      color: { name: 'Black', hex: '#000000' },
      level: { kind: 'percent', percent: 64 },
      lowThreshold: 10,
      low: false,
      empty: false,
      partNumber: 'TS-805XL-K',
    },
    {
      id: 'cyan',
      name: 'Cyan ink',
      kind: 'ink',
      role: 'consumable',
      color: { name: 'Cyan', hex: '#00ffff' },
      level: { kind: 'percent', percent: 8 },
      lowThreshold: 10,
      low: true,
      empty: false,
      partNumber: 'TS-805XL-C',
      daysLeft: 5.5,
    },
    {
      id: 'waste',
      name: 'Waste ink',
      kind: 'waste',
      role: 'receptacle',
      level: { kind: 'unknown' },
      lowThreshold: 90,
      low: false,
      empty: false,
    },
  ],
  facts: {},
  stale: false,
  updatedAt: 0,
};

const context: RuleContext = buildRuleContext(environment, snapshot);

describe('buildRuleContext', () => {
  it('maps a snapshot into the documented context', () => {
    expect(RuleContextSchema.parse(context)).toEqual(context);
    expect(context.device).toEqual({
      vendor: 'Trayside',
      model: 'Trayside Demo Printer',
      firmware: '2.10.1',
      vendorId: 0x1234,
      productId: 0x42,
    });
    expect(context.supplies[1]).toEqual({
      kind: 'ink',
      color: 'cyan',
      role: 'consumable',
      level: 8,
      low: true,
      empty: false,
      daysLeft: 5.5,
      partNumber: 'TS-805XL-C',
    });
    expect(context.supplies[2]!.level).toBeNull();
    expect(context.errors).toEqual(['media-jam']);
    expect(context.crm.segments).toEqual(['loyal', 'xl-buyer']);
  });

  it('without a device has no device, supplies or errors', () => {
    const empty = buildRuleContext(environment, null);
    expect([empty.device, empty.supplies, empty.errors]).toEqual([null, [], []]);
  });
});

describe('compileRule', () => {
  it.each([
    ['everyone', true, true],
    ['model match', { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] }, true],
    ['case-insensitive model', { starts_with: [{ lower: [{ var: 'device.model' }] }, 'trayside'] }, true],
    [
      'cyan below 15 %',
      {
        some: [
          { var: 'supplies' },
          { and: [{ '==': [{ var: 'color' }, 'cyan'] }, { '!=': [{ var: 'level' }, null] }, { '<': [{ var: 'level' }, 15] }] },
        ],
      },
      true,
    ],
    [
      'unknown level never matches "< 15" when guarded',
      { some: [{ var: 'supplies' }, { and: [{ '==': [{ var: 'kind' }, 'waste'] }, { '!=': [{ var: 'level' }, null] }] }] },
      false,
    ],
    ['runs out within 7 days', { some: [{ var: 'supplies' }, { '<=': [{ var: 'daysLeft' }, 7] }] }, true],
    ['firmware older than 2.9 (numeric segments)', { 'version<': [{ var: 'device.firmware' }, '2.9'] }, false],
    ['firmware at least 2.10', { 'version>=': [{ var: 'device.firmware' }, '2.10'] }, true],
    ['a null version is never older (the waste box has no part number)', { 'version<': [{ var: 'supplies.2.partNumber' }, '9'] }, false],
    ['device error', { in: ['media-jam', { var: 'errors' }] }, true],
    ['region and locale', { and: [{ in: [{ var: 'region' }, ['DE', 'AT']] }, { starts_with: [{ var: 'locale' }, 'de'] }] }, true],
    ['CRM segment', { in: ['xl-buyer', { var: 'crm.segments' }] }, true],
    ['days since install', { '>': [{ var: 'daysSinceInstall' }, 30] }, true],
    ['app version', { 'version<': [{ var: 'appVersion' }, '1.10'] }, true],
    ['OS', { '==': [{ var: 'os' }, 'macos'] }, false],
    ['an empty array is false', { filter: [{ var: 'supplies' }, { '==': [{ var: 'kind' }, 'toner'] }] }, false],
    ['a rule that throws does not match', { '*': [] }, false],
  ])('%s', (_name, rule, expected) => {
    expect(compileRule(rule)(context)).toBe(expected);
  });

  it.each([
    ['an unknown operation', { eval: ['1'] }, /Unknown rule operation "eval"/],
    ['json-logic "method" (calls JS methods)', { method: [{ var: 'locale' }, 'toUpperCase'] }, /Unknown rule operation "method"/],
    ['json-logic "log" (side effect)', { log: 'x' }, /Unknown rule operation "log"/],
    ['a nested unknown operation', { and: [true, { or: [{ add_operation: ['x', 'y'] }] }] }, /add_operation/],
    ['an unknown context field', { '==': [{ var: 'password' }, 'x'] }, /Unknown context field "password"/],
  ])('refuses %s', (_name, rule, message) => {
    expect(() => compileRule(rule)).toThrow(message);
  });

  it('refuses an operation that another part of the app registered on json-logic-js', () => {
    jsonLogic.add_operation('shout', (text: string) => text.toUpperCase());
    expect(jsonLogic.apply({ shout: 'hi' }, {})).toBe('HI');
    expect(() => compileLogic({ shout: 'hi' })).toThrow(RuleCompileError);
  });

  it('never reads inherited properties of the context', () => {
    const evaluate = compileLogic({ var: 'device.constructor' });
    expect(evaluate(context)).toBeNull();
    expect(compileLogic({ var: '__proto__' })(context)).toBeNull();
    expect(compileLogic({ var: ['supplies.0.toString', 'none'] })(context)).toBe('none');
  });

  it('compares versions numerically segment by segment', () => {
    expect([
      compareVersions('2.10', '2.9'),
      compareVersions('1.0', '1'),
      compareVersions('1.0.0-beta', '1.0.0-alpha'),
      compareVersions('3', '10'),
    ]).toEqual([1, 0, 1, -1]);
  });
});

// The compiler must mean exactly what json-logic-js means (the server documents json-logic), so
// random rules over the standard operations are evaluated by both and compared.
describe('compiled rules agree with json-logic-js', () => {
  const paths = [
    'device.model',
    'device.firmware',
    'supplies',
    'errors',
    'region',
    'daysSinceInstall',
    'crm.segments',
    'level',
    'color',
    'kind',
    'daysLeft',
    'nothing.here',
    'supplies.1.level',
    'current',
    'accumulator',
    '',
  ];
  const leaf = fc.oneof(
    fc.integer({ min: -5, max: 120 }),
    fc.constantFrom('cyan', 'Trayside Demo Printer', 'DE', '', '2.10', 'media-jam', 'ink'),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(...paths).map((path) => ({ var: path })),
    fc.tuple(fc.constantFrom(...paths), fc.integer({ min: 0, max: 9 })).map(([path, fallback]) => ({ var: [path, fallback] })),
  );
  const eager = [
    '==',
    '===',
    '!=',
    '!==',
    '!',
    '!!',
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
    'and',
    'or',
    'if',
    '?:',
  ];
  const { rule } = fc.letrec<{ rule: unknown }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom(...eager), fc.array(tie('rule'), { minLength: 1, maxLength: 3 })).map(([op, args]) => ({ [op]: args })),
      fc
        .tuple(fc.constantFrom('some', 'all', 'none', 'filter', 'map'), tie('rule'))
        .map(([op, body]) => ({ [op]: [{ var: 'supplies' }, body] })),
      fc.tuple(tie('rule'), tie('rule')).map(([body, initial]) => ({ reduce: [{ var: 'supplies' }, body, initial] })),
      fc.array(tie('rule'), { maxLength: 2 }),
    ),
  }));
  const outcome = (run: () => unknown): string => {
    try {
      return `=${JSON.stringify(run())}`;
    } catch {
      return 'throws';
    }
  };

  it('on random rules over a realistic context', () => {
    fc.assert(
      fc.property(rule, (logic) => {
        expect(outcome(() => compileLogic(logic)(context))).toBe(outcome(() => jsonLogic.apply(logic, context)));
      }),
      { numRuns: 3000 },
    );
  });

  it('for missing and missing_some', () => {
    for (const logic of [
      { missing: ['device.model', 'nothing', 'region'] },
      { missing: [['a', 'crm.segments']] },
      { missing_some: [1, ['nothing', 'region']] },
      { missing_some: [2, ['nothing', 'region']] },
    ]) {
      expect(compileLogic(logic)(context)).toEqual(jsonLogic.apply(logic, context));
    }
  });
});
