import { describe, expect, it } from 'vitest';
import { describeError } from './errors.js';

describe('describeError', () => {
  it("says an Error's message, without its name or stack", () => {
    expect(describeError(new TypeError('socket closed'))).toBe('socket closed');
  });

  it('says a thrown value that is not an Error as text', () => {
    expect(describeError('disk full')).toBe('disk full');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
  });

  it('never throws itself, even for values that cannot be turned into text', () => {
    expect(describeError(Object.create(null))).toBe('[object Object]');
    expect(
      describeError({
        toString: () => {
          throw new Error('no');
        },
      }),
    ).toBe('[object Object]');
  });
});
