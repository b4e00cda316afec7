import type { UpdatesConfig } from '../../../common/branding.js';
import type { UpdatePolicy } from '../../../core/updates/policy.js';
import { UpdateService } from '../../../core/updates/update-service.js';

/** An update service as the Windows x64 app 1.0.0 composes it, against a test feed. */
export function windowsClient(options: {
  feedUrl: string;
  publicKeys: string[];
  folder: string;
  installId?: string;
  appVersion?: string;
  arch?: 'x64' | 'arm64';
  channel?: UpdatesConfig['channel'];
  policy?: UpdatePolicy;
  now?: number;
  log?: string[];
}): UpdateService {
  const log = options.log ?? [];
  return new UpdateService({
    config: { feedUrl: options.feedUrl, publicKeys: options.publicKeys, channel: options.channel ?? 'stable' },
    policy: { read: () => options.policy ?? {} },
    installId: options.installId ?? '7d1f2c1e-5a39-4c8e-9d3b-0a1b2c3d4e5f',
    target: { appVersion: options.appVersion ?? '1.0.0', platform: 'win32', arch: options.arch ?? 'x64', kinds: ['nsis'] },
    folder: options.folder,
    fetch: (url, init) => fetch(url, init),
    now: () => options.now ?? Date.parse('2026-12-01T00:00:00Z'),
    log: (line) => log.push(line),
    download: { retryDelayMs: () => 0, idleTimeoutMs: 5000 },
  });
}
