import { z } from 'zod';

/** A request the renderer makes and the main side answers. */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'call';
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

/** A stream of values the main side pushes to the renderer. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
  readonly summary: string;
}

/** One feature's calls and events, e.g. `devices.list` and `devices.onChanged`. */
export type FeatureSpec = Record<string, CallSpec | EventSpec>;

/** The whole contract: features by name. */
export type ContractSpec = Record<string, FeatureSpec>;

/** Declares a call; `input` is `z.void()` for calls that take nothing. */
export function call<I extends z.ZodType, O extends z.ZodType>(spec: { input: I; output: O; summary: string }): CallSpec<I, O> {
  return { kind: 'call', ...spec };
}

/** Declares an event stream; names start with `on` and say what happened. */
export function event<P extends z.ZodType>(spec: { payload: P; summary: string }): EventSpec<P> {
  return { kind: 'event', ...spec };
}

/** Unsubscribes an event listener. */
export type Unsubscribe = () => void;

type CallFunction<S> =
  S extends CallSpec<infer I, infer O>
    ? I extends z.ZodVoid
      ? () => Promise<z.output<O>>
      : (input: z.input<I>) => Promise<z.output<O>>
    : never;

type EventSubscriber<S> = S extends EventSpec<infer P> ? (listener: (payload: z.output<P>) => void) => Unsubscribe : never;

/** What the renderer sees as `window.trayside`: one function per call, one subscriber per event. */
export type ClientApi<C extends ContractSpec> = {
  readonly [F in keyof C]: {
    readonly [K in keyof C[F]]: C[F][K] extends CallSpec ? CallFunction<C[F][K]> : EventSubscriber<C[F][K]>;
  };
};

/** What the main side implements: one async handler per call, given parsed input. */
export type Handlers<C extends ContractSpec> = {
  readonly [F in keyof C]: {
    readonly [K in keyof C[F] as C[F][K] extends CallSpec ? K : never]: C[F][K] extends CallSpec<infer I, infer O>
      ? (input: z.output<I>) => Promise<z.input<O>>
      : never;
  };
};

/** Event names of a feature. */
export type EventNames<F extends FeatureSpec> = { [K in keyof F]: F[K] extends EventSpec ? K : never }[keyof F];

/** Payload type of one event. */
export type EventPayload<S> = S extends EventSpec<infer P> ? z.input<P> : never;

/** The channel name both adapters use, e.g. `trayside:devices.list`. */
export function channelName(feature: string, name: string): string {
  return `trayside:${feature}.${name}`;
}

/** Error codes a call can fail with; the renderer shows `message`, tests check `code`. */
export const ErrorCodeSchema = z.enum(['invalid-input', 'unknown-call', 'forbidden', 'not-found', 'unavailable', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** Every call answers with this envelope so errors cross IPC and WebSocket with their code intact. */
export const ResultEnvelopeSchema = z.discriminatedUnion('ok', [
  // Optional: a call that answers nothing (z.void) loses its undefined `value` when the envelope goes through JSON (the Node host's socket).
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCodeSchema, message: z.string() }) }),
]);
export type ResultEnvelope = z.infer<typeof ResultEnvelopeSchema>;

/** A failed call, as the renderer receives it. */
export class TraysideError extends Error {
  override readonly name = 'TraysideError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Lists every call and event of a contract, for adapters that generate themselves from it. */
export function listEndpoints(contract: ContractSpec): Array<{ feature: string; name: string; spec: CallSpec | EventSpec }> {
  const endpoints: Array<{ feature: string; name: string; spec: CallSpec | EventSpec }> = [];
  for (const [feature, spec] of Object.entries(contract)) {
    for (const [name, endpoint] of Object.entries(spec)) endpoints.push({ feature, name, spec: endpoint });
  }
  return endpoints;
}

/** Turns a zod error into one sentence that names the field: "devices.setSimulation: speed: Too big: expected number to be <=1000". */
export function describeZodError(where: string, error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${path}${issue.message}`;
  });
  return `${where}: ${issues.join('; ')}`;
}
