import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSENT_COVERAGE } from '../../common/contract/preferences.js';
import { ConsentSchema } from '../../common/settings.js';

/** The docs table as request → levels and fields, read the way the wire-capture test reads it. */
async function docsTable(): Promise<Map<string, { levels: string[]; fields: string[] }>> {
  const text = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'privacy.md'), 'utf8');
  const rows = new Map<string, { levels: string[]; fields: string[] }>();
  for (const line of text.split('\n').filter((candidate) => candidate.startsWith('| `'))) {
    const [request, sentAt, , fields] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const levels = sentAt!.startsWith('any level') ? [...ConsentSchema.options] : sentAt!.split(/,\s*/).map((level) => level.trim());
    rows.set(request!.replaceAll('`', ''), {
      levels: levels.sort(),
      fields: [...fields!.matchAll(/`([A-Za-z-]+)`/g)].map((match) => match[1]!).sort(),
    });
  }
  return rows;
}

describe('what each consent level sends, as the panel shows it', () => {
  it('lists exactly the requests, levels and fields of docs/privacy.md (which the wire-capture test checks against the traffic)', async () => {
    const docs = await docsTable();
    expect(docs.size).toBeGreaterThan(4);
    const panel = new Map(
      CONSENT_COVERAGE.map((row) => [row.request, { levels: [...row.levels].sort(), fields: [...new Set(row.fields)].sort() }]),
    );
    expect(panel).toEqual(docs);
  });
});
