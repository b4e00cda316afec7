import type { z } from 'zod';

/** One problem with an input, with the dotted path of the field (`variants[0].content.en.title`). */
export interface FieldIssue {
  field: string;
  message: string;
}

/** Writes a zod path the way a person would type it: `variants[0].content.de-DE.title`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(the whole value)' : out;
}

/** Turns a zod error into field issues; unknown keys are reported on the key itself so the typo is named. */
export function fieldIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ field: formatPath([...prefix, ...issue.path, key]), message: `Unknown field "${key}" (check the spelling).` });
    } else if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      // Report the closest union member's problems rather than "Invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      for (const inner of best) out.push({ field: formatPath([...prefix, ...issue.path, ...inner.path]), message: inner.message });
    } else {
      out.push({ field: formatPath([...prefix, ...issue.path]), message: issue.message });
    }
  }
  return out;
}

/** One line per issue: `field: message`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.field}: ${issue.message}`).join('\n');
}
