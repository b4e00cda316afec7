import type { DeviceState } from '../../../common/device.js';

/** Shape per state, so the state reads without colour (the word sits next to it too). */
export function StateIcon({ state }: { state: DeviceState }) {
  return (
    <svg className={`state-icon state-icon--${state}`} viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
      {state === 'ok' && (
        <>
          <circle cx="10" cy="10" r="9" />
          <path d="M5.8 10.4l2.8 2.8 5.6-6" className="state-icon__mark" />
        </>
      )}
      {state === 'attention' && (
        <>
          <path d="M10 1.8l8.6 15.4H1.4z" />
          <path d="M10 7.5v4.6M10 14.4v.1" className="state-icon__mark" />
        </>
      )}
      {state === 'error' && (
        <>
          <circle cx="10" cy="10" r="9" />
          <path d="M6.6 6.6l6.8 6.8M13.4 6.6l-6.8 6.8" className="state-icon__mark" />
        </>
      )}
      {state === 'unreachable' && (
        <>
          <circle cx="10" cy="10" r="9" />
          <path d="M10 5.2V10l3 2" className="state-icon__mark" />
        </>
      )}
    </svg>
  );
}

/** A printer outline for the empty state. */
export function PrinterIcon() {
  return (
    <svg className="printer-icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
      <path d="M14 18V7h20v11" />
      <rect x="6" y="18" width="36" height="16" rx="3" />
      <path d="M14 28h20v13H14z" />
      <path d="M35 23h1" />
    </svg>
  );
}

/** The "can't reach" symbol: an unplugged cable. */
export function UnplugIcon() {
  return (
    <svg className="unplug-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d="M7 17l-4 4M17 7l4-4M9.5 9.5L7.8 7.8a3.5 3.5 0 000 5l3.4 3.4a3.5 3.5 0 005 0l1.7-1.7M14.5 14.5l1.7-1.7a3.5 3.5 0 000-5L12.8 4.4a3.5 3.5 0 00-5 0L6 6.1" />
    </svg>
  );
}

/** Circular arrow for "check now". */
export function RefreshIcon() {
  return (
    <svg className="refresh-icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M16 10a6 6 0 11-1.8-4.3M16 3.5v3.2h-3.2" />
    </svg>
  );
}

/** Thumbs up, drawn rather than an emoji: emoji render as empty boxes where no emoji font is installed. */
export function ThumbUpIcon() {
  return (
    <svg className="thumb-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <path d="M6 9v8H3V9zM6 9l3.4-6.2c.9 0 2 .8 1.7 2.3L10.6 8H15a2 2 0 012 2.3l-1 5A2 2 0 0114 17H6" />
    </svg>
  );
}

/** Thumbs down: the thumbs-up shape turned over. */
export function ThumbDownIcon() {
  return (
    <svg className="thumb-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <g transform="rotate(180 10 10)">
        <path d="M6 9v8H3V9zM6 9l3.4-6.2c.9 0 2 .8 1.7 2.3L10.6 8H15a2 2 0 012 2.3l-1 5A2 2 0 0114 17H6" />
      </g>
    </svg>
  );
}
