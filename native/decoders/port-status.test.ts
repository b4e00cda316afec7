import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePortStatus, encodePortStatus, portStatusConditions } from './port-status.js';

describe('decodePortStatus', () => {
  it('reads a ready printer: selected, not-error set, paper present (0x18)', () => {
    expect(decodePortStatus(new Uint8Array([0x18]))).toEqual({ ok: true, value: { paperEmpty: false, online: true, error: false } });
    expect(portStatusConditions({ paperEmpty: false, online: true, error: false })).toEqual([]);
  });

  it('reads paper out (0x20 set; Not Error dropped) as one media-empty condition', () => {
    const result = decodePortStatus(new Uint8Array([0x30]));
    expect(result).toEqual({ ok: true, value: { paperEmpty: true, online: true, error: true } });
    if (result.ok) expect(portStatusConditions(result.value).map((condition) => condition.code)).toEqual(['media-empty']);
  });

  it('treats Not Error as active low: 0x10 alone is an error with no other explanation', () => {
    const result = decodePortStatus(new Uint8Array([0x10]));
    expect(result.ok && portStatusConditions(result.value)).toEqual([expect.objectContaining({ code: 'other', severity: 'error' })]);
  });

  it('reports off-line when Select is clear', () => {
    const result = decodePortStatus(new Uint8Array([0x08]));
    expect(result.ok && portStatusConditions(result.value).map((condition) => condition.code)).toEqual(['offline']);
  });

  it('says the reply was empty instead of guessing', () => {
    expect(decodePortStatus(new Uint8Array())).toEqual({ ok: false, unreadable: expect.stringContaining('empty') });
  });

  it('round-trips every status through the byte, for any other bits', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 255 }), (paperEmpty, online, error, noise) => {
        const byte = encodePortStatus({ paperEmpty, online, error }) | (noise & 0xc7);
        const result = decodePortStatus(new Uint8Array([byte, noise]));
        return result.ok && result.value.paperEmpty === paperEmpty && result.value.online === online && result.value.error === error;
      }),
      { numRuns: 10_000 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (bytes) => {
        const result = decodePortStatus(bytes);
        return result.ok ? portStatusConditions(result.value).length <= 2 : bytes.length === 0;
      }),
      { numRuns: 10_000 },
    );
  });
});
