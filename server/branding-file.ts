import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBranding } from '../common/branding.js';
import type { LinkPolicy } from '../common/messages/index.js';

/**
 * The bundled demo branding (assets/branding/demo.json), found from the source tree or from the
 * compiled copy in out/node/server (the assets are not compiled, so they stay at the repo root).
 */
export async function demoBrandingFile(): Promise<string> {
  const candidates = ['../assets/branding/demo.json', '../../../assets/branding/demo.json'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  for (const candidate of candidates) {
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return candidates[0]!;
}

/** Reads a branding config for its link allow-lists; a problem names the file and the field. */
export async function readLinkPolicy(file: string): Promise<{ ok: true; policy: LinkPolicy } | { ok: false; problem: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, problem: `${path.basename(file)}: cannot read the branding config ${file} (${reason}).` };
  }
  const parsed = parseBranding(json);
  if (!parsed.ok)
    return { ok: false, problem: `${file}: invalid branding config\n${parsed.problems.map((line) => `  ${line}`).join('\n')}` };
  return { ok: true, policy: { allowedLinkHosts: parsed.branding.allowedLinkHosts, allowedImageHosts: parsed.branding.allowedImageHosts } };
}
