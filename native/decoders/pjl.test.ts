import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePjlStatusReply, parsePjlStatus, pjlConditions, PJL_INFO_STATUS_REQUEST } from './pjl.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('PJL INFO STATUS', () => {
  it('sends the request HPLIP sends: UEL, the command, CRLF, UEL', () => {
    expect(new TextDecoder().decode(PJL_INFO_STATUS_REQUEST)).toBe('\x1b%-12345X@PJL INFO STATUS\r\n\x1b%-12345X');
  });

  it('reads a ready LaserJet reply (HP PJL Technical Reference layout)', () => {
    const result = parsePjlStatus(text('@PJL INFO STATUS\r\nCODE=10001\r\nDISPLAY="00 READY"\r\nONLINE=TRUE\r\n\f'));
    expect(result).toEqual({
      ok: true,
      value: { code: 10001, display: '00 READY', online: true, fields: { CODE: '10001', DISPLAY: '00 READY', ONLINE: 'TRUE' } },
    });
    if (result.ok) expect(pjlConditions(result.value)).toEqual([]);
  });

  it('maps the codes HPLIP maps: door open 40021, paper out 41xyy, jam 42xyy, offline, toner', () => {
    const codes = (code: number, online = true): string[] => pjlConditions({ code, online, fields: {} }).map((condition) => condition.code);
    expect(codes(40021)).toEqual(['door-open']);
    expect(codes(41213)).toEqual(['media-empty']);
    expect(codes(42105)).toEqual(['media-jam']);
    expect(codes(10002)).toEqual(['offline']);
    expect(codes(10006)).toEqual(['toner-low']);
    expect(codes(40600)).toEqual(['toner-empty']);
    expect(codes(10023)).toEqual([]); // printing
    expect(codes(25001)).toEqual([]); // our PJL had a warning, not the printer
    expect(codes(10001, false)).toEqual(['offline']);
    expect(pjlConditions({ code: 41213, fields: {} })[0]?.message).toContain('tray 2');
  });

  it('shows the printer panel text in the message', () => {
    const [condition] = pjlConditions({ code: 40021, display: 'CLOSE TOP COVER', fields: {} });
    expect(condition?.message).toContain('CLOSE TOP COVER');
  });

  it('takes the latest of several unsolicited replies and tolerates UEL, NULs and bare LF', () => {
    const reply = text(
      '\x1b%-12345X@PJL USTATUS DEVICE\nCODE=10023\nONLINE=TRUE\n\f\0@PJL USTATUS DEVICE\nCODE = 41213\nDISPLAY="LOAD TRAY 2 LETTER"\nONLINE=FALSE\n\f\0\0',
    );
    const result = parsePjlStatus(reply);
    expect(result).toMatchObject({ ok: true, value: { code: 41213, display: 'LOAD TRAY 2 LETTER', online: false } });
  });

  it('says why a reply is unreadable', () => {
    expect(parsePjlStatus(new Uint8Array())).toMatchObject({ ok: false, unreadable: expect.stringContaining('empty') });
    expect(parsePjlStatus(text('\x1b%-12345X garbage'))).toMatchObject({ ok: false, unreadable: expect.stringContaining('KEY=value') });
  });

  it('round-trips generated replies', () => {
    // eslint-disable-next-line no-control-regex -- the characters a PJL display line cannot hold
    const displayArbitrary = fc.string({ maxLength: 40 }).map((value) => value.replace(/["\r\n\f\0\x1b]/g, '').trim());
    fc.assert(
      fc.property(fc.integer({ min: 10000, max: 59999 }), displayArbitrary, fc.boolean(), (code, display, online) => {
        const result = parsePjlStatus(encodePjlStatusReply({ code, display, online }));
        return result.ok && result.value.code === code && result.value.display === display && result.value.online === online;
      }),
      { numRuns: 10_000 },
    );
  });

  it('never throws on arbitrary bytes, and conditions stay within the model limits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = parsePjlStatus(bytes);
        if (!result.ok) return result.unreadable.length > 0;
        return pjlConditions(result.value).every((condition) => condition.message.length <= 300 && condition.code.length <= 64);
      }),
      { numRuns: 10_000 },
    );
  });
});
