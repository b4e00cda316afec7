import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRule, RULE_LIMITS, RuleSchema } from './rule.js';

const cyanLow = {
  and: [
    { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] },
    {
      some: [
        { var: 'supplies' },
        { and: [{ '==': [{ var: 'color' }, 'cyan'] }, { '!=': [{ var: 'level' }, null] }, { '<': [{ var: 'level' }, 15] }] },
      ],
    },
  ],
};

describe('targeting rules', () => {
  it('accepts the documented examples, with item-relative paths inside some/all', () => {
    expect(checkRule(cyanLow)).toEqual([]);
    expect(checkRule(true)).toEqual([]);
    expect(checkRule({ 'version<': [{ var: 'device.firmware' }, '2.4'] })).toEqual([]);
    expect(checkRule({ in: ['printer-owners', { var: 'crm.segments' }] })).toEqual([]);
  });

  it('names unknown operations and context fields by path', () => {
    expect(checkRule({ and: [{ method: [{ var: 'os' }, 'toString'] }] })).toEqual([
      { path: ['and', 0, 'method'], message: expect.stringContaining('Unknown rule operation "method"') },
    ]);
    expect(checkRule({ log: 'x' })[0]!.path).toEqual(['log']);
    expect(checkRule({ '<': [{ var: 'supplys.0.level' }, 3] })[0]!.message).toContain('Unknown context field "supplys"');
    expect(checkRule({ '==': [1, 1], '!=': [1, 2] })[0]!.message).toContain('found 2 keys');
  });

  it('checks every path below the roots and suggests the nearest documented name', () => {
    expect(checkRule({ '==': [{ var: 'device.modle' }, 'Trayside Demo Printer'] })).toEqual([
      { path: ['==', 0, 'var'], message: expect.stringContaining('Unknown context field "device.modle" — did you mean device.model?') },
    ]);
    expect(checkRule({ '<': [{ var: 'supplies.0.levle' }, 15] })[0]!.message).toContain('did you mean supplies.0.level?');
    expect(checkRule({ in: ['gold', { var: 'crm.segmnts' }] })[0]!.message).toContain('did you mean crm.segments?');
    expect(checkRule({ '==': [{ var: 'device.model.name' }, 'x'] })[0]!.message).toContain('"device.model" is a string');
    expect(checkRule({ missing: ['device.vendr'] })).toEqual([
      { path: ['missing', 0], message: expect.stringContaining('did you mean device.vendor?') },
    ]);
  });

  it('checks paths inside some/all/filter/reduce against one supply', () => {
    const nested = {
      and: [true, { some: [{ var: 'supplies' }, { and: [{ '==': [{ var: 'color' }, 'cyan'] }, { '<': [{ var: 'levle' }, 15] }] }] }],
    };
    expect(checkRule(nested)).toEqual([
      {
        path: ['and', 1, 'some', 1, 'and', 1, '<', 0, 'var'],
        message: expect.stringContaining('Unknown field "levle" of one "supplies" item — did you mean level?'),
      },
    ]);
    expect(checkRule({ some: [{ filter: [{ var: 'supplies' }, { var: 'low' }] }, { var: 'partNumbr' }] })[0]!.message).toContain(
      'did you mean partNumber?',
    );
    expect(checkRule({ reduce: [{ var: 'supplies' }, { '+': [{ var: 'current.level' }, { var: 'accumulator' }] }, 0] })).toEqual([]);
    // json-logic gives an item body only the item: the device is not reachable from there.
    expect(checkRule({ some: [{ var: 'supplies' }, { '==': [{ var: 'device.model' }, 'x'] }] })[0]!.message).toContain(
      'relative to one item',
    );
    expect(checkRule({ some: [{ var: 'errors' }, { '==': [{ var: '' }, 'media-jam'] }] })).toEqual([]);
  });

  it('bounds depth and size without recursing (a hostile rule cannot blow the stack)', () => {
    let deep: unknown = true;
    for (let index = 0; index < 100_000; index += 1) deep = { '!': [deep] };
    const issues = checkRule(deep);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.message).toMatch(/nests deeper|more than/);
    expect(checkRule({ cat: Array.from({ length: RULE_LIMITS.maxNodes + 5 }, () => 'x') })[0]!.message).toMatch(/more than/);
  });

  it('never throws on arbitrary JSON and accepts exactly what checkRule accepts', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const issues = checkRule(value);
        expect(RuleSchema.safeParse(value).success).toBe(issues.length === 0);
      }),
      { numRuns: 300 },
    );
  });
});
