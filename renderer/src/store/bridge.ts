import type { TraysideBridge } from '../../../common/contract/index.js';
// Declares `window.trayside` for every tsconfig that reaches this file (the web one and the tests one).
import type {} from '../global.js';

/**
 * The one door to the app. Read at call time, not import time, so tests can stub
 * `window.trayside` after the store module is loaded.
 */
export function bridge(): TraysideBridge {
  return window.trayside;
}

/** The sentence a person reads for a failed call: the bridge's message, which names the problem. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong talking to Trayside';
}
