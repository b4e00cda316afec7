import type { z } from 'zod';

/**
 * The records of a JSON-lines file, each parsed with `schema`; a line that is not JSON or does not
 * fit (a crash mid-write, a hand edit) is counted in `skipped` and the lines around it still count.
 */
export function parseJsonLines<T>(text: string, schema: z.ZodType<T>): { records: T[]; skipped: number } {
  const records: T[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped += 1;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) records.push(parsed.data);
    else skipped += 1;
  }
  return { records, skipped };
}
