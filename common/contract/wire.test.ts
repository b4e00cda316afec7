import { describe, expect, it } from 'vitest';
import { ServerFrameSchema } from './wire.js';

describe('ServerFrameSchema', () => {
  it('reads the answer of a call that answers nothing after a JSON round trip (the Node host socket drops an undefined value)', () => {
    const frame = JSON.parse(JSON.stringify({ type: 'result', id: 7, envelope: { ok: true, value: undefined } }));
    expect(ServerFrameSchema.safeParse(frame)).toMatchObject({ success: true, data: { type: 'result', id: 7, envelope: { ok: true } } });
  });
});
