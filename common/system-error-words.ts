/**
 * Operating-system and network error codes in words a person understands. Node reports them as
 * codes (ECONNREFUSED) and native libraries as bare numbers ("errno 2"); neither means anything to
 * an owner reading the panel or a support agent reading a report.
 */

/** What each code means, in words (Linux/macOS numbers; Windows reports the same names through libuv). */
const WORDS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ECONNRESET: 'the connection was dropped (connection reset)',
  ENOTFOUND: 'no such host name (DNS lookup failed)',
  EAI_AGAIN: 'the host name could not be looked up right now (DNS temporarily unavailable)',
  ETIMEDOUT: 'no answer in time (timed out)',
  EHOSTUNREACH: 'the machine cannot be reached (no route to host)',
  ENETUNREACH: 'the network cannot be reached (no network)',
  EADDRINUSE: 'the port is already in use',
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EBUSY: 'in use by another program or driver',
  ENODEV: 'no such device',
  ENXIO: 'no such device or address',
  EIO: 'input/output error',
};

/** errno numbers as Linux and macOS number them (the ones device libraries report). */
const ERRNO_CODES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 5: 'EIO', 6: 'ENXIO', 13: 'EACCES', 16: 'EBUSY', 19: 'ENODEV' };

/** Words for an error code (ECONNREFUSED) or errno number (2); undefined when unknown. */
export function errorCodeWords(code: string | number): string | undefined {
  const name = typeof code === 'number' ? ERRNO_CODES[code] : code;
  return name === undefined ? undefined : WORDS[name];
}

/** Replaces each "(errno N)" / "errno N" a native library wrote with the words for N, keeping unknown numbers as they are. */
export function explainErrnoText(text: string): string {
  return text.replace(/\(?\berrno (\d+)\)?/g, (match, digits: string) => {
    const words = errorCodeWords(Number(digits));
    return words === undefined ? match : `(${words})`;
  });
}

/**
 * One line for a failed network request: fetch's own "fetch failed" says nothing, so the cause's
 * code is put in words ("nothing is listening there (connection refused)"); an abort reason or
 * any other error keeps its message.
 */
export function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  const messages: string[] = [];
  // fetch wraps the socket error as `cause`; undici may wrap once more (an AggregateError for dual-stack).
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const words = errorCodeWords(code);
      if (words !== undefined) return words;
    }
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      current = nested[0];
      continue;
    }
    if (current instanceof Error) messages.push(current.message);
    else messages.push(String(current));
    current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined;
  }
  // "fetch failed" alone is noise when a cause says more.
  const useful = messages.filter((message) => message !== 'fetch failed' && message !== '');
  return useful.length > 0 ? useful.join(': ') : (messages[0] ?? 'unknown error');
}
