// The bundle's bounds apart from its schemas, so a device decoder can bound what it reads without
// loading zod and every bundle schema.

/** Limits a bundle must stay within; the server rejects anything larger with a 4xx. */
export const BUNDLE_LIMITS = {
  /** Bytes of the JSON text, uncompressed. */
  maxBytes: 8 * 1024 * 1024,
  maxDevices: 32,
  maxLogEntries: 50_000,
  maxHistorySamples: 20_000,
  maxEvents: 10_000,
  /** IPP attributes of one device, values per attribute, and characters of a name and of a value. */
  maxIppAttributes: 300,
  maxIppValues: 256,
  maxIppNameChars: 100,
  maxIppValueChars: 2000,
} as const;
