import { z } from 'zod';
import { ResultEnvelopeSchema } from './define.js';

/** Bounds the size of one call id so a hostile page cannot grow the host's pending table without limit. */
const CallIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A frame the panel sends to the Node host over its WebSocket. */
export const ClientFrameSchema = z
  .object({
    type: z.literal('call'),
    id: CallIdSchema,
    channel: z.string().min(1).max(200),
    input: z.unknown().optional(),
  })
  .strict();
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/** A frame the Node host sends: the answer to a call, or an event. */
export const ServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: CallIdSchema, envelope: ResultEnvelopeSchema }),
  z.object({ type: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** Where the Node host serves the contract. */
export const CONTRACT_SOCKET_PATH = '/contract';

/**
 * The Node host binds its socket to the page it served: the page carries a per-launch secret in
 * this meta tag, and the bridge presents it as a second WebSocket subprotocol (browsers let a page
 * set that header, and it stays out of URLs and logs). The host answers with the contract protocol.
 */
export const SOCKET_SECRET_META = 'trayside-socket-secret';
export const SOCKET_SECRET_PROTOCOL_PREFIX = 'trayside.secret.';
export const CONTRACT_SOCKET_PROTOCOL = 'trayside.contract.v1';
