import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../common/lifecycle.js';
import type { ManifestService } from '../manifest/service.js';
import type { Signer } from '../signing.js';
import { startExporter, type ExportSource } from './exporter.js';

/** A server's own export settings (`npm run server -- --export-dir DIR`). */
export interface ServerExportOptions {
  dir: string;
  productLines?: readonly string[];
  /** How often the export is brought up to date (default 5 s: a publish reaches the CDN origin within it). */
  intervalMs?: number;
}

/** The export source inside a server: the manifest cache signs each segment once per version, as for polls. */
function serverSource(manifests: ManifestService, signer: Signer): ExportSource {
  return {
    live: async () => {
      const live = await manifests.liveNow();
      return { version: live.version, campaigns: live.campaigns.map((campaign) => campaign.campaign) };
    },
    manifest: async (segment) => manifests.get(segment),
    signingKey: async () => signer.info,
  };
}

/** Keeps DIR an export of this server's live manifests while it runs. */
export function exportWhileRunning(
  app: FastifyInstance,
  manifests: ManifestService,
  signer: Signer,
  options: ServerExportOptions & { ttlSeconds: number; clock: Clock },
): void {
  const exporter = startExporter(serverSource(manifests, signer), {
    dir: options.dir,
    ...(options.productLines === undefined ? {} : { productLines: options.productLines }),
    ttlSeconds: options.ttlSeconds,
    intervalMs: options.intervalMs ?? 5000,
    clock: options.clock,
    log: (level, message) => app.log[level](message),
  });
  app.addHook('onClose', () => exporter.stop());
}
