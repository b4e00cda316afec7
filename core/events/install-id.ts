import { randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { InstallIdSchema } from '../../common/events.js';
import { describeFsError, setAsideDamaged } from '../messages/durable-file.js';

/**
 * The install id: a random UUID v4 made on first start and kept in `path` (0600). It is never
 * derived from hardware (serials, MAC addresses), so it identifies this install and nothing else,
 * and a reinstall is a new install. `wx` makes two processes starting at once agree on one id. A
 * damaged file is kept aside as `install-id.damaged-<time>`; a file that cannot be read or written
 * gives an id for this run only, said in one line through `log`, instead of failing start-up.
 */
export async function loadInstallId(path: string, log: (message: string) => void = () => undefined): Promise<string> {
  const existing = await readId(path);
  if (existing.kind === 'ok') return existing.id;
  if (existing.kind === 'unreadable') return thisRunOnly(path, existing.error, log);
  if (existing.kind === 'damaged') setAside(path, log);
  const id = randomUUID();
  try {
    await writeId(path, id);
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return thisRunOnly(path, error, log, id);
    const winner = await readId(path);
    if (winner.kind === 'ok') return winner.id;
    return thisRunOnly(path, winner.kind === 'unreadable' ? winner.error : new Error('another process left a damaged install id'), log, id);
  }
}

function thisRunOnly(path: string, error: unknown, log: (message: string) => void, id: string = randomUUID()): string {
  log(`events: cannot keep the install id at ${path} (${describeFsError(error)}) — events of this run carry a new one`);
  return id;
}

function setAside(path: string, log: (message: string) => void): void {
  const aside = setAsideDamaged(path, 'move');
  log(`events: the install id at ${path} is damaged; ${aside ? `kept it as ${aside}; ` : ''}made a new one`);
}

async function writeId(path: string, id: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(`${id}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

type ReadResult = { kind: 'ok'; id: string } | { kind: 'missing' } | { kind: 'damaged' } | { kind: 'unreadable'; error: unknown };

async function readId(path: string): Promise<ReadResult> {
  try {
    const parsed = InstallIdSchema.safeParse((await readFile(path, 'utf8')).trim());
    return parsed.success ? { kind: 'ok', id: parsed.data } : { kind: 'damaged' };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable', error };
  }
}
