// How `npm start` runs the Node host, shared with bench/idle-host.mjs so the benchmark measures
// exactly what an owner gets.
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
/** The one-file build of host/cli.ts (scripts/build-host-bundle.mjs). */
export const NODE_HOST_ENTRY = resolve(root, 'out/host-bundle/cli.mjs');
/**
 * V8 flags: a 1 MB young generation keeps the idle footprint down (the host allocates little per
 * poll).
 */
export const NODE_HOST_FLAGS = ['--max-semi-space-size=1'];
