import type { CampaignInput, ManifestSegment, SigningKeyInfo } from '../../common/messages/index.js';
import { describeError } from '../../common/errors.js';
import { exportSegments, manifestExportPath, SIGNING_KEY_EXPORT_PATH } from './segments.js';
import { writeExport, type ExportEntry, type ExportResult } from './write-export.js';

/** Where an export gets what it writes: the server's own manifest service, or the HTTP API (the admin CLI). */
export interface ExportSource {
  /** The live campaigns and the version they make. */
  live(): Promise<{ version: number; campaigns: CampaignInput[] }>;
  /** The signed manifest of a segment as the server would send it. */
  manifest(segment: ManifestSegment): Promise<{ body: Buffer; etag: string; issuedAtMs: number }>;
  signingKey(): Promise<SigningKeyInfo>;
}

/** Options of one export. */
export interface ExportOptions {
  dir: string;
  /** Product lines to export besides those the campaigns name (for campaigns aimed at every line). */
  productLines?: readonly string[];
  /** The manifests' validity (ManifestTiming.ttlSeconds): an unchanged manifest is re-signed into the export at 40 % of it. */
  ttlSeconds: number;
  now: number;
}

/** The share of a manifest's validity after which the export takes the re-signed copy: below the app's renewal point (half). */
export const EXPORT_RENEWAL_FRACTION = 0.4;

/** Exports every live segment's signed manifest and the public key into `dir` (server/export/write-export.ts). */
export async function exportOnce(
  source: ExportSource,
  options: ExportOptions,
): Promise<ExportResult & { segments: number; version: number }> {
  const live = await source.live();
  const segments = exportSegments(live.campaigns, options.productLines);
  const entries: ExportEntry[] = [];
  for (const segment of segments) {
    const manifest = await source.manifest(segment);
    entries.push({
      path: manifestExportPath(segment),
      body: manifest.body,
      meta: { etag: manifest.etag, issuedAtMs: manifest.issuedAtMs },
    });
  }
  entries.push({ path: SIGNING_KEY_EXPORT_PATH, body: Buffer.from(JSON.stringify(await source.signingKey())) });
  const result = await writeExport(options.dir, entries, {
    now: options.now,
    renewAfterMs: EXPORT_RENEWAL_FRACTION * options.ttlSeconds * 1000,
  });
  return { ...result, segments: segments.length, version: live.version };
}

/** A running exporter. */
export interface Exporter {
  /** Exports now unless a run is under way (then waits for it). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps an export current from inside a server: every `intervalMs` it looks at the publish version
 * and the segments' signed manifests (lookups in the manifest cache) and writes a new copy when a
 * publish, an archive, a renewal due in the export or a rotated key changed something. A failure
 * (the store down) is logged once and the export stays as it was until a run succeeds.
 */
export function startExporter(
  source: ExportSource,
  options: Omit<ExportOptions, 'now'> & {
    intervalMs: number;
    clock: { now(): number };
    log: (level: 'info' | 'warn', message: string) => void;
  },
): Exporter {
  let running: Promise<void> | undefined;
  let lastProblem: string | undefined;
  let stopped = false;
  const run = (): Promise<void> =>
    (running ??= exportOnce(source, { ...options, now: options.clock.now() })
      .then((result) => {
        if (lastProblem !== undefined) options.log('warn', `export to ${options.dir} works again`);
        lastProblem = undefined;
        if (result.replaced)
          options.log(
            'info',
            `export: version ${result.version}, ${result.segments} segments into ${options.dir} (${result.written} written, ${result.kept} unchanged, ${result.removed} removed)`,
          );
      })
      .catch((error: unknown) => {
        const problem = describeError(error);
        if (problem !== lastProblem)
          options.log(
            'warn',
            `export to ${options.dir} failed, the previous export stays (${problem}); retried every ${options.intervalMs / 1000} s`,
          );
        lastProblem = problem;
      })
      .finally(() => {
        running = undefined;
      }));
  void run();
  const timer = setInterval(() => {
    if (!stopped) void run();
  }, options.intervalMs);
  timer.unref();
  return {
    runOnce: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
