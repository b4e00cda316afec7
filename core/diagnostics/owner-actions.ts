import type { TraysideHandlers } from '../../common/contract/index.js';
import type { Timeline } from './timeline.js';

/**
 * Records what the owner did in the panel on the diagnostics timeline, by wrapping the contract's
 * handlers: every call that changes something, with its input in short (a message id, a part
 * number). Reads (getState, list, …) are not actions. Free text the owner typed (feedback) is
 * left out: support needs to know that feedback was given, not what it said.
 */

const READS = new Set(['getInfo', 'list', 'get', 'getState', 'getStatus', 'getCart']);
/** Calls recorded without their input. */
const WITHOUT_INPUT = new Set(['actions.submitFeedback']);

function detailOf(name: string, input: unknown): string | undefined {
  if (input === undefined || WITHOUT_INPUT.has(name)) return undefined;
  if (name === 'settings.update' && input !== null && typeof input === 'object') return `changed: ${Object.keys(input).join(', ')}`;
  try {
    return JSON.stringify(input).slice(0, 300);
  } catch {
    return undefined;
  }
}

/** The same handlers, each write call also noted on the timeline (after it succeeded). */
export function recordOwnerActions(handlers: TraysideHandlers, timeline: Pick<Timeline, 'note'>): TraysideHandlers {
  const wrapped: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [feature, calls] of Object.entries(
    handlers as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>,
  )) {
    // The diagnostics service notes its own steps (export, upload, repro) on the timeline.
    if (feature === 'diagnostics') {
      wrapped[feature] = calls;
      continue;
    }
    const out: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [call, handler] of Object.entries(calls)) {
      const name = `${feature}.${call}`;
      out[call] = READS.has(call)
        ? handler
        : async (input) => {
            const result = await handler(input);
            timeline.note(name, detailOf(name, input));
            return result;
          };
    }
    wrapped[feature] = out;
  }
  return wrapped as unknown as TraysideHandlers;
}
