import { randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { InstallIdSchema } from '../../../common/events.js';

/**
 * The install id: a random UUID v4 made on first start and kept in `path`. It is never derived
 * from hardware (serials, MAC addresses), so it identifies this install and nothing else, and a
 * reinstall is a new install. `wx` makes two processes starting at once agree on one id.
 */
export async function loadInstallId(path: string): Promise<string> {
  const existing = await readId(path);
  if (existing !== undefined) return existing;
  const id = randomUUID();
  try {
    await writeId(path, id, 'wx');
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readId(path);
    if (winner !== undefined) return winner;
    // The file exists but is damaged (a crash mid-write): it never identified anything, so replace it.
    await writeId(path, id, 'w');
    return id;
  }
}

async function writeId(path: string, id: string, flags: 'wx' | 'w'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(`${id}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readId(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const parsed = InstallIdSchema.safeParse(text.trim());
  return parsed.success ? parsed.data : undefined;
}
