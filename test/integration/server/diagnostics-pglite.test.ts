import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../../server/store/open-store.js';
import { defineDiagnosticsSuite } from './diagnostics-suite.js';

let dir = '';
defineDiagnosticsSuite(
  'embedded PGlite store',
  async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trayside-diagnostics-'));
    return openStore({ dataDir: dir });
  },
  async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  },
);
