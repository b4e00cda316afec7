import { UnplugIcon } from './icons.js';

/** Said while the core cannot be reached, over the last known devices or on its own. */
export function ConnectionBanner({ hasDevices }: { hasDevices: boolean }) {
  return (
    <div className="banner banner--error" role="alert">
      <UnplugIcon />
      <div>
        <p className="banner__title">Can't reach Trayside</p>
        <p className="banner__body">
          {hasDevices ? 'What you see below may be out of date. ' : ''}Trying again automatically — this panel updates as soon as Trayside answers.
        </p>
      </div>
    </div>
  );
}
