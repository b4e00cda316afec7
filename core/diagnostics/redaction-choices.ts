import { join } from 'node:path';
import { z } from 'zod';
import { RedactionKindSchema } from '../../common/diagnostics/bundle.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { describeFsError } from '../storage/fs-error.js';
import { readOwnedFileSync } from '../storage/owned-file.js';
import type { RedactionChoices } from './redact.js';

/**
 * The owner's keep/remove choices per kind of personal data, kept in `<dir>/choices.json` so the
 * next bundle starts from them. Anything unreadable falls back to removing everything.
 */
const ChoicesFileSchema = z.object({ version: z.literal(1), choices: z.partialRecord(RedactionKindSchema, z.enum(['keep', 'remove'])) });

/** The saved choices; none without a folder or a readable file. */
export function loadChoicesSync(dir: string | undefined): RedactionChoices {
  if (!dir) return {};
  const found = readOwnedFileSync(join(dir, 'choices.json'));
  if (found.kind !== 'read') return {};
  try {
    const parsed = ChoicesFileSchema.safeParse(JSON.parse(found.text));
    return parsed.success ? parsed.data.choices : {};
  } catch {
    // A torn file: back to removing everything, the safe default.
    return {};
  }
}

/** Saves the choices; a failed write is logged, never thrown, since they still apply to this run. */
export async function saveChoices(dir: string | undefined, choices: RedactionChoices, log: (message: string) => void): Promise<void> {
  if (!dir) return;
  await writeFileAtomic(join(dir, 'choices.json'), JSON.stringify({ version: 1, choices })).catch((error: unknown) =>
    log(`diagnostics: cannot save the keep/remove choices in ${dir} (${describeFsError(error)}) — they apply until the app quits`),
  );
}
