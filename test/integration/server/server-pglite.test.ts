import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../../server/store/open-store.js';
import { defineServerSuite } from './server-suite.js';

let dir = '';
defineServerSuite(
  'embedded PGlite store',
  async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trayside-server-'));
    return openStore({ dataDir: dir });
  },
  async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  },
);
