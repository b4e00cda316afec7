import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { CampaignInputSchema, fieldIssues, type CampaignInput } from '../common/messages/index.js';
import { PreviewDeviceStateSchema, type PreviewDeviceState } from '../common/messages/explain-targeting.js';

/** A preview input file that cannot be used; the message is one line naming the file and the field. */
export class PreviewInputError extends Error {
  override readonly name = 'PreviewInputError';
}

async function readJson(file: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PreviewInputError(`${file}: cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PreviewInputError(`${file}: not valid JSON (${(error as Error).message}).`);
  }
}

/** The first bad field in one line, with how many more there are, so a typo is found without scrolling. */
function firstIssue(file: string, what: string, error: z.ZodError): PreviewInputError {
  const issues = fieldIssues(error);
  const first = issues[0] ?? { field: '(the whole value)', message: 'Invalid.' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new PreviewInputError(`${file}: invalid ${what}: ${first.field}: ${first.message}${more}`);
}

/** The draft campaign file, checked with the schema publishing uses; a guide is refused (it is no inbox message). */
export async function readPreviewCampaign(file: string, cwd: string): Promise<CampaignInput> {
  const result = CampaignInputSchema.safeParse(await readJson(file, cwd));
  if (!result.success) throw firstIssue(file, 'campaign', result.error);
  if (result.data.guide !== undefined)
    throw new PreviewInputError(`${file}: guide: this is a guide, not a campaign; the preview shows campaigns.`);
  return result.data;
}

/** The device state file (common/messages/explain-targeting.ts PreviewDeviceStateSchema). */
export async function readPreviewDeviceState(file: string, cwd: string): Promise<PreviewDeviceState> {
  const result = PreviewDeviceStateSchema.safeParse(await readJson(file, cwd));
  if (!result.success) throw firstIssue(file, 'device state', result.error);
  return result.data;
}
