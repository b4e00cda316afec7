import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRule, RULE_LIMITS, RuleSchema } from './rule.js';

const cyanLow = {
  and: [
    { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] },
    { some: [{ var: 'supplies' }, { and: [{ '==': [{ var: 'color' }, 'cyan'] }, { '!=': [{ var: 'level' }, null] }, { '<': [{ var: 'level' }, 15] }] }] },
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
    expect(checkRule({ and: [{ method: [{ var: 'os' }, 'toString'] }] })).toEqual([{ path: ['and', 0, 'method'], message: expect.stringContaining('Unknown rule operation "method"') }]);
    expect(checkRule({ log: 'x' })[0]!.path).toEqual(['log']);
    expect(checkRule({ '<': [{ var: 'supplys.0.level' }, 3] })[0]!.message).toContain('Unknown context field "supplys"');
    expect(checkRule({ '==': [1, 1], '!=': [1, 2] })[0]!.message).toContain('found 2 keys');
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
