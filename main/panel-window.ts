import type { Clock, Disposable } from '../common/lifecycle.js';
import { panelPosition, type Bounds } from './panel-position.js';
import { secureWebPreferences } from './security.js';

/** Panel size in DIPs: a popover, not a window. */
export const PANEL_SIZE = { width: 380, height: 560 } as const;

/**
 * A click on the tray icon while the panel is open first blurs (and so hides) the panel, then
 * arrives as a click; without this the click would open it again at once. 300 ms covers the
 * gap between the two on slow machines and is shorter than a deliberate second click.
 */
export const BLUR_CLICK_GRACE_MS = 300;

/** BrowserWindow options for the panel: frameless popover, hidden until asked, hardened. */
export function panelWindowOptions(preloadPath: string, platform: string) {
  return {
    ...PANEL_SIZE,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    // macOS: no traffic lights and no Dock/Mission Control presence for a popover.
    ...(platform === 'darwin' ? { type: 'panel' as const, hiddenInMissionControl: true } : {}),
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The part of BrowserWindow the panel controller uses. */
export interface PanelWindowLike {
  isVisible(): boolean;
  isDestroyed(): boolean;
  show(): void;
  hide(): void;
  focus(): void;
  setPosition(x: number, y: number): void;
  on(event: 'blur', listener: () => void): unknown;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  destroy(): void;
}

/** What the controller needs from the shell. */
export interface PanelControllerOptions<W extends PanelWindowLike> {
  /** Creates the (hidden) window and starts loading the panel page. */
  createWindow(): W;
  /** The work area of the display nearest to a point (Electron's screen.getDisplayNearestPoint). */
  workAreaNear(point: { x: number; y: number }): Bounds;
  platform: string;
  clock: Clock;
}

/** Shows, hides and positions the panel next to the tray. */
export interface PanelController<W extends PanelWindowLike> extends Disposable {
  /** The tray icon was clicked. */
  toggle(trayBounds: Bounds): void;
  show(trayBounds: Bounds): void;
  hide(): void;
  isVisible(): boolean;
  /** The window, created on first use. */
  window(): W;
  /** Lets the window really close (on quit) instead of hiding. */
  allowClose(): void;
}

/** Creates the controller; the window is created at once so the first open is instant. */
export function createPanelController<W extends PanelWindowLike>(options: PanelControllerOptions<W>): PanelController<W> {
  let current: W | undefined;
  let hiddenByBlurAt = Number.NEGATIVE_INFINITY;
  let closing = false;

  const window = (): W => {
    if (current && !current.isDestroyed()) return current;
    const created = options.createWindow();
    created.on('blur', () => {
      if (!created.isVisible()) return;
      hiddenByBlurAt = options.clock.now();
      created.hide();
    });
    created.on('close', (event) => {
      // Alt+F4 or Cmd+W hides the popover; only quitting really closes it.
      if (closing) return;
      event.preventDefault();
      created.hide();
    });
    current = created;
    return created;
  };

  const show = (trayBounds: Bounds): void => {
    const win = window();
    const anchor = { x: trayBounds.x + trayBounds.width / 2, y: trayBounds.y + trayBounds.height / 2 };
    const { x, y } = panelPosition(trayBounds, PANEL_SIZE, options.workAreaNear(anchor), options.platform);
    win.setPosition(x, y);
    win.show();
    win.focus();
  };

  window();
  return {
    toggle(trayBounds) {
      const win = window();
      if (win.isVisible()) win.hide();
      else if (options.clock.now() - hiddenByBlurAt > BLUR_CLICK_GRACE_MS) show(trayBounds);
    },
    show,
    hide: () => {
      if (current && !current.isDestroyed()) current.hide();
    },
    isVisible: () => Boolean(current && !current.isDestroyed() && current.isVisible()),
    window,
    allowClose() {
      closing = true;
    },
    dispose() {
      closing = true;
      if (current && !current.isDestroyed()) current.destroy();
      current = undefined;
    },
  };
}
