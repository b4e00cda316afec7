import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_CODE_ALPHABET, CASE_CODE_PATTERN, checkCharacter, newCaseCode, parseCaseCode } from './case-code.js';

const codes = fc.uint8Array({ minLength: 5, maxLength: 5 }).map((bytes) => newCaseCode(() => bytes));

describe('case codes', () => {
  it('are written as two groups of four and a check character, from an alphabet without I, L, O, U', () => {
    const code = newCaseCode();
    expect(code).toMatch(CASE_CODE_PATTERN);
    expect(CASE_CODE_ALPHABET).not.toMatch(/[ILOU]/);
  });

  it('parse back to themselves however a person types them: any case, spaces, no dashes, I/L for 1, O for 0', () => {
    fc.assert(
      fc.property(codes, fc.boolean(), (code, spaced) => {
        const typed = code
          .toLowerCase()
          .replace(/-/g, spaced ? ' ' : '')
          .replace(/1/g, 'l')
          .replace(/0/g, 'o');
        expect(parseCaseCode(typed)).toEqual({ ok: true, code });
      }),
    );
  });

  it('catch every single wrong character as a typo', () => {
    fc.assert(
      fc.property(codes, fc.nat(8), fc.constantFrom(...CASE_CODE_ALPHABET), (code, position, replacement) => {
        const symbols = code.replace(/-/g, '').split('');
        fc.pre(symbols[position] !== replacement);
        symbols[position] = replacement;
        expect(parseCaseCode(symbols.join(''))).toMatchObject({ ok: false, reason: 'checksum' });
      }),
    );
  });

  it('catch a swap of two neighbouring characters (all but 0 and Z, the one pair Luhn mod 32 cannot tell apart)', () => {
    fc.assert(
      fc.property(codes, fc.nat(7), (code, position) => {
        const symbols = code.replace(/-/g, '').split('');
        fc.pre(symbols[position] !== symbols[position + 1]);
        fc.pre(!['0Z', 'Z0'].includes(`${symbols[position]}${symbols[position + 1]}`));
        [symbols[position], symbols[position + 1]] = [symbols[position + 1]!, symbols[position]!];
        expect(parseCaseCode(symbols.join('')).ok).toBe(false);
      }),
    );
  });

  it('say what is wrong with a wrong length or a character codes never use', () => {
    expect(parseCaseCode('K7QM-42XD')).toMatchObject({ ok: false, reason: 'length' });
    expect(parseCaseCode('K7QM-42XU-9')).toMatchObject({ ok: false, reason: 'character' });
    expect(parseCaseCode('')).toMatchObject({ ok: false, reason: 'length' });
  });

  it('has a known check character for a fixed payload (so server and app agree)', () => {
    const payload = 'K7QM42XD';
    const code = `K7QM-42XD-${checkCharacter(payload)}`;
    expect(parseCaseCode(code)).toEqual({ ok: true, code });
    expect(checkCharacter('00000000')).toBe('0');
  });
});
