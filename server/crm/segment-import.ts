import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InstallIdSchema } from '../../common/events.js';
import type { FieldIssue } from '../../common/messages/index.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../http/limits.js';
import type { SegmentMembership } from '../store/analytics-store.js';
import { describeError } from '../../common/errors.js';

/** A CRM segment name as rules compare it (`{"in": ["printer-plus", {"var": "crm.segments"}]}`). */
export const SegmentNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'Segment names are 1–100 letters, digits, "_", ".", ":" or "-".');

/** A customer id as the CRM writes it. */
export const CustomerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,100}$/, 'Customer ids are 1–100 letters, digits, "_", ".", ":", "@" or "-".');

/** One membership row in JSON: keyed by install id or customer id (or both, which also links them). */
export const SegmentRowSchema = z
  .strictObject({
    installId: InstallIdSchema.optional(),
    customerId: CustomerIdSchema.optional(),
    /** Every segment of this key; the import replaces what was there (an empty list removes them all). */
    segments: z.array(SegmentNameSchema).max(200),
  })
  .refine((row) => row.installId !== undefined || row.customerId !== undefined, 'Give installId or customerId (or both).');

/** POST /v1/admin/crm/segments. CSV travels as text inside JSON so one body parser serves every route. */
export const SegmentImportSchema = z.discriminatedUnion('format', [
  // The smallest row ({"installId":…,"segments":[]}) is over 60 bytes, so no body under the limit holds more rows than this.
  z.strictObject({ format: z.literal('json'), rows: z.array(z.unknown()).max(Math.ceil(DEFAULT_BODY_LIMIT_BYTES / 60)) }),
  z.strictObject({ format: z.literal('csv'), data: z.string().max(DEFAULT_BODY_LIMIT_BYTES) }),
]);
export type SegmentImport = z.infer<typeof SegmentImportSchema>;

/** The answer of an import. */
export const SegmentImportResultSchema = z.object({
  rows: z.number().int(),
  keys: z.number().int(),
  memberships: z.number().int(),
  links: z.number().int(),
});

/**
 * Turns an import into rows, or the problems with their row numbers. CSV has a header with
 * `install_id` and/or `customer_id` and `segment` (one per line, the same key may repeat) or
 * `segments` (separated by ";"). Nothing is imported when any row is bad.
 */
export function parseSegmentImport(input: SegmentImport): { rows: SegmentMembership[]; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const rows: SegmentMembership[] = [];
  const add = (raw: unknown, field: string): void => {
    const parsed = SegmentRowSchema.safeParse(raw);
    if (parsed.success) rows.push(parsed.data);
    else
      for (const issue of parsed.error.issues.slice(0, 3))
        issues.push({ field: `${field}${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}`, message: issue.message });
  };
  if (input.format === 'json') {
    input.rows.forEach((raw, index) => add(raw, `rows[${index}]`));
    return { rows, issues: issues.slice(0, 50) };
  }
  let records: Record<string, string>[];
  try {
    records = parse(input.data, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (error) {
    return { rows: [], issues: [{ field: 'data', message: `Not readable as CSV: ${describeError(error)}` }] };
  }
  const columns = records[0] === undefined ? [] : Object.keys(records[0]);
  if (records.length > 0 && !columns.includes('install_id') && !columns.includes('customer_id')) {
    return { rows: [], issues: [{ field: 'data', message: `The header needs install_id or customer_id (found: ${columns.join(', ')}).` }] };
  }
  if (records.length > 0 && !columns.includes('segment') && !columns.includes('segments')) {
    return { rows: [], issues: [{ field: 'data', message: `The header needs segment or segments (found: ${columns.join(', ')}).` }] };
  }
  records.forEach((record, index) => {
    const list =
      record.segments !== undefined
        ? record.segments
            .split(';')
            .map((name) => name.trim())
            .filter((name) => name !== '')
        : [record.segment ?? ''].filter((name) => name !== '');
    add(
      {
        ...(record.install_id ? { installId: record.install_id } : {}),
        ...(record.customer_id ? { customerId: record.customer_id } : {}),
        segments: list,
      },
      // +2: the header is line 1 and people count from 1.
      `line ${index + 2}`,
    );
  });
  return { rows, issues: issues.slice(0, 50) };
}
