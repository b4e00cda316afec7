import { describeError } from '../../common/errors.js';
import type { DiagnosticsState } from '../../common/contract/diagnostics.js';
import type { Disposable } from '../../common/lifecycle.js';
import type { DiagnosticsService } from '../diagnostics/diagnostics-service.js';
import type { SettingsService } from '../settings-service.js';
import type { PrivacyService } from './privacy-service.js';
import { onSupportSharingWithdrawn } from './support-withdrawal.js';

/**
 * Support data follows support sharing. A sent diagnostics bundle means the server holds support
 * data for this install, so a later withdrawal sends its deletion (the privacy service deletes only
 * for an install that shared). Lowering consent from support sharing, to anonymous usage or to
 * nothing, deletes the support data kept here: waiting uploads and the records of sent ones.
 */
export function followSupportSharing(
  settings: Pick<SettingsService, 'get' | 'status' | 'onConsentChanged'>,
  diagnostics: Pick<DiagnosticsService, 'state' | 'onChanged' | 'forgetUploads'>,
  privacy: Promise<PrivacyService>,
  log: (message: string) => void,
): Disposable {
  const noteSent = (state: DiagnosticsState): void => {
    if (state.uploads.some((upload) => upload.state === 'sent')) void privacy.then((service) => service.noteShared());
  };
  noteSent(diagnostics.state());
  const watching = diagnostics.onChanged(noteSent);
  const withdrawal = onSupportSharingWithdrawn(settings, (level) => {
    diagnostics
      .forgetUploads()
      .then(() => log(`diagnostics: support sharing withdrawn (now ${level}); the uploads kept here were deleted`))
      .catch((error: unknown) => log(`diagnostics: could not delete the uploads kept here (${describeError(error)})`));
  });
  return {
    dispose() {
      watching.dispose();
      withdrawal.dispose();
    },
  };
}
