import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeNetworkError, errorCodeWords, explainErrnoText } from './system-error-words.js';

describe('system error words', () => {
  it('puts fetch\'s "fetch failed" in words from its cause\'s code', async () => {
    // A real refused connection: a port that was free a moment ago.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as { port: number };
    await new Promise((done) => probe.close(done));
    const error = await fetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(describeNetworkError(error)).toBe('nothing is listening there (connection refused)');
  });

  it('keeps the message of an error without a known code, skipping "fetch failed"', () => {
    expect(describeNetworkError(new Error('no answer within 15 s'))).toBe('no answer within 15 s');
    expect(describeNetworkError(new TypeError('fetch failed', { cause: new Error('other side closed') }))).toBe('other side closed');
    expect(describeNetworkError('plain text')).toBe('plain text');
  });

  it('replaces errno numbers a native library wrote, and leaves unknown ones', () => {
    expect(explainErrnoText('/sys/bus/usb/devices/ not found (errno 2)')).toBe('/sys/bus/usb/devices/ not found (no such file or folder)');
    expect(explainErrnoText('open failed errno 13')).toBe('open failed (permission denied)');
    expect(explainErrnoText('odd (errno 999)')).toBe('odd (errno 999)');
    expect(errorCodeWords('EBUSY')).toBe('in use by another program or driver');
  });
});
