import type { UpdatesConfig } from '../../common/branding.js';
import { describeError } from '../../common/errors.js';
import { describeNetworkError } from '../../common/system-error-words.js';
import { updateFeedPath, type UpdateChannel, type UpdateRelease } from '../../common/updates.js';
import { pinKeys, type PinnedKey } from '../messages/manifest-verifier.js';
import { decideUpdate, type UpdateTarget } from './decide.js';
import { downloadVerified, type DownloadFetch } from './download.js';
import { readUpdatePolicy, type UpdatePolicySource } from './policy.js';
import { UpdateStaging, type StagedUpdate } from './staging.js';
import type { ReleaseRefusal } from './verify-release.js';
import { verifyRelease } from './verify-release.js';

/** The outcome of one check, with a sentence for the owner (tray notification, log). */
export type UpdateCheckResult =
  | { kind: 'off'; message: string }
  | { kind: 'up-to-date'; message: string }
  | { kind: 'staged'; version: string; message: string }
  | { kind: 'refused'; reason: ReleaseRefusal | 'downgrade' | 'wrong-platform'; message: string }
  | { kind: 'waiting'; reason: 'not-in-rollout' | 'deferred' | 'pinned'; message: string }
  | { kind: 'failed'; message: string };

/** Everything the update service needs; Electron-free, so it runs under plain Node and in tests. */
export interface UpdateServiceOptions {
  /** The branding's `updates` section; absent: updates are off. */
  config: UpdatesConfig | undefined;
  policy: UpdatePolicySource;
  /** The owner's channel choice, when they made one (a policy channel wins over it). */
  ownerChannel?: () => UpdateChannel | undefined;
  installId: string;
  target: UpdateTarget;
  /** The folder for staged updates (in the app's data folder). */
  folder: string;
  fetch: DownloadFetch;
  now: () => number;
  log: (message: string) => void;
  /** Download tuning (tests make retries immediate). */
  download?: { attempts?: number; retryDelayMs?: (retry: number) => number; idleTimeoutMs?: number };
  /** Time allowed for the metadata request (default 30 s). */
  metadataTimeoutMs?: number;
}

/** The longest metadata body read; a signed release is a few kilobytes. */
const MAX_METADATA_BYTES = 1_000_000;

async function readBounded(response: Response): Promise<string> {
  const text = await response.text();
  if (text.length > MAX_METADATA_BYTES)
    throw new Error(`the update metadata is ${text.length} bytes, more than the ${MAX_METADATA_BYTES} accepted`);
  return text;
}

/**
 * Checks the signed feed, decides, downloads and stages; at launch hands back what is staged.
 * One check runs at a time: a second request while one runs gets the same result.
 */
export class UpdateService {
  private readonly keys: PinnedKey[];
  private readonly staging: UpdateStaging;
  private running: Promise<UpdateCheckResult> | undefined;

  constructor(private readonly options: UpdateServiceOptions) {
    this.keys = options.config ? pinKeys(options.config.publicKeys) : [];
    this.staging = new UpdateStaging(options.folder, options.log);
  }

  /** At launch, before the tray: the verified installer to run now, if one is staged for a newer version. */
  stagedForLaunch(): Promise<StagedUpdate | undefined> {
    return this.staging.takeForLaunch(this.options.target.appVersion);
  }

  /** Forgets a staged update (after it was handed to the installer, or when the installer refused it). */
  clearStaged(): Promise<void> {
    return this.staging.clear();
  }

  /** Checks now (the tray's "Check for updates", or the periodic check). */
  check(): Promise<UpdateCheckResult> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<UpdateCheckResult> {
    const { config, log } = this.options;
    if (!config) return { kind: 'off', message: 'Updates are not set up in this build (the branding has no updates section).' };
    const policy = await readUpdatePolicy(this.options.policy, log);
    if (policy.enabled === false) return { kind: 'off', message: 'Updates are turned off by your administrator.' };
    const channel = policy.channel ?? this.options.ownerChannel?.() ?? config.channel;
    const feedUrl = policy.feedUrl ?? config.feedUrl;
    const url = new URL(updateFeedPath(channel), feedUrl).toString();

    let body: string;
    try {
      const response = await this.options.fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.metadataTimeoutMs ?? 30_000),
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return { kind: 'up-to-date', message: `No ${channel} release has been published yet.` };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return { kind: 'failed', message: `The update server at ${feedUrl} answered HTTP ${response.status}; try again later.` };
      }
      body = await readBounded(response);
    } catch (error) {
      return { kind: 'failed', message: `Can't reach the update server at ${feedUrl}: ${describeNetworkError(error)}.` };
    }

    const verdict = verifyRelease(body, { keys: this.keys, channel });
    if (!verdict.ok) {
      log(`updates: refused the release from ${url}: ${verdict.message}`);
      return { kind: 'refused', reason: verdict.reason, message: verdict.message };
    }
    const decision = decideUpdate(verdict.release, {
      target: this.options.target,
      installId: this.options.installId,
      policy,
      now: this.options.now(),
    });
    switch (decision.kind) {
      case 'up-to-date':
        return decision;
      case 'refused':
        log(`updates: refused the release from ${url}: ${decision.message}`);
        return { kind: 'refused', reason: decision.reason, message: decision.message };
      case 'not-in-rollout':
      case 'deferred':
      case 'pinned':
        return { kind: 'waiting', reason: decision.kind, message: decision.message };
      case 'offer':
        return this.fetchAndStage(verdict.release, decision.file, feedUrl);
    }
  }

  private async fetchAndStage(release: UpdateRelease, file: UpdateRelease['files'][number], feedUrl: string): Promise<UpdateCheckResult> {
    const staged = await this.staging.peek();
    const ready = `Trayside ${release.version} is downloaded and installs the next time Trayside starts.`;
    if (staged?.releaseId === release.releaseId && staged.file.sha512 === file.sha512)
      return { kind: 'staged', version: release.version, message: ready };
    const url = new URL(file.url, feedUrl).toString();
    try {
      const outcome = await downloadVerified({
        url,
        size: file.size,
        sha512: file.sha512,
        destination: await this.staging.destinationFor(file),
        fetch: this.options.fetch,
        log: this.options.log,
        ...this.options.download,
      });
      await this.staging.stage(release, file, this.options.now());
      this.options.log(
        `updates: staged ${release.version} (${file.name}, ${file.size} bytes, ${outcome.attempts} attempt(s), ${outcome.resumed} resumed)`,
      );
      return { kind: 'staged', version: release.version, message: ready };
    } catch (error) {
      return {
        kind: 'failed',
        message: `Trayside ${release.version} could not be downloaded: ${describeError(error)}. The next check tries again.`,
      };
    }
  }
}
