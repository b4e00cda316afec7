/**
 * Largest request body the server accepts by default: 256 KiB fits a campaign with many locales
 * and an event batch at its maximum. Schemas of whole-body fields (a CSV import) use the same
 * bound, so a body the parser accepts is never refused by its schema, or the other way round.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
