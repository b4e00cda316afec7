/** A PJL INFO reply ends with a form feed. */
const FORM_FEED = 0x0c;
/** Enough for any INFO STATUS reply; more means the printer is talking about something else. */
const PJL_REPLY_MAX = 8192;

/**
 * Collects one PJL INFO reply from a bulk channel, whatever the transport: reads chunks until the
 * form feed that ends the reply, an empty read (the printer has nothing more), or 8 KiB.
 */
export async function readPjlReply(readChunk: () => Promise<Uint8Array | undefined>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < PJL_REPLY_MAX) {
    const bytes = await readChunk();
    if (!bytes || bytes.length === 0) break;
    chunks.push(bytes.slice());
    total += bytes.length;
    if (bytes.includes(FORM_FEED)) break;
  }
  const reply = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    reply.set(chunk, at);
    at += chunk.length;
  }
  return reply;
}
