import { describe, expect, it } from 'vitest';
import { createEscapeStack } from './escape-stack.js';

describe('escape stack', () => {
  it('closes the part opened last, one per press, then says nothing is open', () => {
    const stack = createEscapeStack();
    const closed: string[] = [];
    stack.push(() => closed.push('cart'));
    stack.push(() => closed.push('message'));
    expect(stack.escape()).toBe(true);
    expect(stack.escape()).toBe(true);
    expect(stack.escape()).toBe(false);
    expect(closed).toEqual(['message', 'cart']);
  });

  it('forgets a part that closed some other way', () => {
    const stack = createEscapeStack();
    const closed: string[] = [];
    stack.push(() => closed.push('cart'));
    const forget = stack.push(() => closed.push('problems'));
    forget();
    stack.escape();
    expect(closed).toEqual(['cart']);
    expect(stack.size()).toBe(0);
  });
});
