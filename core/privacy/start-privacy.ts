import { join } from 'node:path';
import type { Clock, Timers } from '../../common/lifecycle.js';
import type { InstallAuthorization } from '../events/install-authorization.js';
import { describeFsError } from '../storage/fs-error.js';
import { createPrivacyService, type PrivacyFetch, type PrivacyService } from './privacy-service.js';
import { TraysideError } from '../../common/contract/define.js';
import type { SettingsService } from '../settings-service.js';
import { onSupportSharingWithdrawn } from './support-withdrawal.js';

export interface StartPrivacyOptions {
  dataDir: string | undefined;
  backendUrl: string | undefined;
  authorization: InstallAuthorization | undefined;
  fetch: PrivacyFetch;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  settings: Pick<SettingsService, 'get' | 'status' | 'onConsentChanged' | 'onConsentWithdrawn'>;
}

/** Nothing stored, nothing sent: a core without a data folder, or one whose folder cannot be written. */
function unavailablePrivacy(reason: string): PrivacyService {
  const refuse = async (): Promise<never> => {
    throw new TraysideError('unavailable', reason);
  };
  return {
    state: () => ({ available: false, requests: [] }),
    requestExport: refuse,
    requestDeletion: refuse,
    downloadExport: refuse,
    sync: async () => undefined,
    noteShared: () => undefined,
    onChanged: () => ({ dispose: () => undefined }),
    dispose: () => undefined,
  };
}

/** The privacy requests of this install, kept in `<data>/privacy/`; never rejects. */
export function startPrivacy(options: StartPrivacyOptions): Promise<PrivacyService> {
  if (options.dataDir === undefined)
    return Promise.resolve(unavailablePrivacy('This app keeps no data folder, so it sent nothing that could be exported or deleted.'));
  const dir = join(options.dataDir, 'privacy');
  return createPrivacyService({
    dir,
    backendUrl: options.backendUrl,
    authorization: options.authorization,
    fetch: options.fetch,
    clock: options.clock,
    timers: options.timers,
    log: options.log,
    onConsentWithdrawn: (listener) => options.settings.onConsentWithdrawn(listener),
    // To "nothing" the withdrawal above deletes everything already; to anonymous usage, the support data alone.
    onSupportWithdrawn: (listener) =>
      onSupportSharingWithdrawn(options.settings, (level) => {
        if (level === 'anonymous-usage') listener();
      }),
  }).catch((error: unknown) => {
    const problem = `cannot write ${dir} (${describeFsError(error)})`;
    options.log(`privacy: ${problem} — export and deletion requests are off this run`);
    return unavailablePrivacy(`Export and deletion requests cannot be kept on this machine: ${problem}.`);
  });
}
