import { z } from 'zod';
import { channelName, describeZodError, listEndpoints, type ContractSpec, type ResultEnvelope } from '../../common/contract/index.js';
import { TraysideError } from '../../common/contract/define.js';

/** Answers one call: parses the input with the contract's schema, runs the handler, checks the output. */
export type Dispatch = (channel: string, rawInput: unknown) => Promise<ResultEnvelope>;

type AnyHandler = (input: unknown) => Promise<unknown>;

/**
 * Builds the one place where every call from any host is validated. Both adapters (Electron IPC
 * and the Node host's WebSocket) call this, so a call cannot reach a handler unparsed.
 */
export function createDispatcher(contract: ContractSpec, handlers: object, log: (message: string) => void = () => undefined): Dispatch {
  const table = new Map<string, { input: z.ZodType; output: z.ZodType; handler: AnyHandler; where: string }>();
  for (const { feature, name, spec } of listEndpoints(contract)) {
    if (spec.kind !== 'call') continue;
    const handler = (handlers as Record<string, Record<string, AnyHandler> | undefined>)[feature]?.[name];
    if (typeof handler !== 'function') throw new Error(`No handler for ${feature}.${name}: every call in the contract needs one`);
    table.set(channelName(feature, name), { input: spec.input, output: spec.output, handler, where: `${feature}.${name}` });
  }

  return async (channel, rawInput) => {
    const entry = typeof channel === 'string' ? table.get(channel) : undefined;
    if (!entry) return failure('unknown-call', `There is no call named "${String(channel).slice(0, 100)}"`);
    const input = entry.input.safeParse(rawInput);
    if (!input.success) return failure('invalid-input', describeZodError(entry.where, input.error));
    try {
      const value = await entry.handler(input.data);
      const output = entry.output.safeParse(value);
      if (!output.success) {
        log(`${entry.where} returned a value that breaks the contract: ${describeZodError(entry.where, output.error)}`);
        return failure('internal', `${entry.where} failed inside Trayside; the details are in the log`);
      }
      return { ok: true, value: output.data };
    } catch (error) {
      if (error instanceof TraysideError) return failure(error.code, error.message);
      log(`${entry.where} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return failure('internal', `${entry.where} failed inside Trayside; the details are in the log`);
    }
  };
}

function failure(code: Extract<ResultEnvelope, { ok: false }>['error']['code'], message: string): ResultEnvelope {
  return { ok: false, error: { code, message } };
}
