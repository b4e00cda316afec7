import { describe, expect, it } from 'vitest';
import { makeTestKey, signManifest, signPayload, testManifest, testMessage } from '../../test/support/manifests.js';
import { pinKeys, verifyManifest } from './manifest-verifier.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const key = makeTestKey();
const keys = pinKeys([key.publicKeyBase64]);
const segment = { productLine: 'trayside-demo', locale: 'en' };
const good = signManifest(key, testManifest(NOW, { version: 5, messages: [testMessage({ campaignId: 'cyan-low' })] }));

function flipByte(text: string, index: number): string {
  const bytes = Buffer.from(text, 'utf8');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('utf8');
}

describe('verifyManifest', () => {
  it('accepts a manifest signed by the pinned key', () => {
    const verdict = verifyManifest(JSON.stringify(good), { keys, segment, now: NOW });
    expect(verdict.ok && verdict.verified.manifest.messages.map((message) => message.id)).toEqual(['cyan-low@1']);
  });

  it.each([
    ['a flipped byte in the payload', () => ({ ...good, payload: flipByte(good.payload, 40) }), 'bad-signature'],
    [
      'a flipped byte in the signature',
      () => ({
        ...good,
        signature: Buffer.from(Buffer.from(good.signature, 'base64').map((b, i) => (i === 3 ? b ^ 1 : b))).toString('base64'),
      }),
      'bad-signature',
    ],
    ['no signature at all', () => ({ format: good.format, payload: good.payload }), 'unsigned'],
    ['a bare manifest (never signed)', () => JSON.parse(good.payload) as unknown, 'unsigned'],
    ['a key the app does not pin', () => signManifest(makeTestKey(), testManifest(NOW, { version: 6 })), 'unknown-key'],
    ['an expired manifest', () => signManifest(key, testManifest(NOW - 30 * 86_400_000, { version: 6 })), 'expired'],
    ['a replayed older version', () => signManifest(key, testManifest(NOW, { version: 4 })), 'older-version'],
    ['the same version issued earlier', () => signManifest(key, testManifest(NOW - 60_000, { version: 5 })), 'older-version'],
    [
      'another segment',
      () => signManifest(key, testManifest(NOW, { version: 6, segment: { productLine: 'other-line', locale: 'en' } })),
      'wrong-segment',
    ],
    ['a signed payload that is not a manifest', () => signPayload(key, '{"format":"something.else"}'), 'bad-payload'],
    ['signed garbage', () => signPayload(key, 'not json {'), 'bad-payload'],
    ['an envelope with a short signature', () => ({ ...good, signature: 'AAAA' }), 'malformed'],
  ])('rejects %s', (_name, body, reason) => {
    const verdict = verifyManifest(JSON.stringify(body()), {
      keys,
      segment,
      now: NOW,
      current: { version: 5, issuedAt: new Date(NOW).toISOString() },
    });
    expect(verdict.ok ? 'accepted' : verdict.reason).toBe(reason);
  });

  it.each([
    ['', 'malformed'],
    ['<html>502 Bad Gateway</html>', 'malformed'],
    ['null', 'malformed'],
    ['[1,2]', 'malformed'],
    ['{"signature":1,"payload":2}', 'malformed'],
  ])('rejects the garbage response %j without throwing', (body, reason) => {
    const verdict = verifyManifest(body, { keys, segment, now: NOW });
    expect(verdict.ok ? 'accepted' : verdict.reason).toBe(reason);
  });

  it('keeps the good messages of a manifest when one message is from a newer server', () => {
    const manifest = testManifest(NOW, {
      messages: [
        testMessage({ campaignId: 'ok' }),
        { ...testMessage({ campaignId: 'future' }), triggers: [{ type: 'teleport' }] } as never,
      ],
    });
    const verdict = verifyManifest(signManifest(key, manifest), { keys, segment, now: NOW });
    expect(verdict.ok && verdict.verified.manifest.messages.map((message) => message.campaignId)).toEqual(['ok']);
    expect(verdict.ok && verdict.verified.skipped.map((skip) => skip.id)).toEqual(['future@1']);
  });

  it('refuses to pin a key that is not 32 bytes', () => {
    expect(() => pinKeys(['AAAA'])).toThrow(/32 bytes/);
  });
});
