/** One POST: the body with progress as it is handed over, answering status and body text. */
export type DiagnosticsSender = (
  url: string,
  request: {
    method: 'POST' | 'DELETE';
    headers: Record<string, string>;
    body?: Uint8Array;
    onProgress?: (sent: number) => void;
    signal: AbortSignal;
  },
) => Promise<{ status: number; text: string; retryAfter: string | null }>;

/** Chunks the body so progress follows what the network takes. */
const CHUNK = 64 * 1024;

/** The default sender: the runtime's fetch with a streamed body (Node's fetch needs `duplex: 'half'` for that). */
export const fetchSender: DiagnosticsSender = async (url, request) => {
  const body = request.body;
  let sent = 0;
  const stream =
    body === undefined
      ? undefined
      : new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= body.length) {
              controller.close();
              return;
            }
            const chunk = body.subarray(sent, sent + CHUNK);
            sent += chunk.length;
            controller.enqueue(chunk);
            request.onProgress?.(sent);
          },
        });
  const response = await fetch(url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    ...(stream ? { body: stream, duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
};
