// Composes the shell: tray, panel, notifications, IPC, login item, sleep/wake and single
// instance around the core. Every Electron object comes in through ShellDeps (index.ts passes
// the real ones), so this wiring runs under vitest with fakes.
import { DisposableStore, type Clock, type Disposable, type Timers } from '../common/lifecycle.js';
import { contract } from '../common/contract/index.js';
import { onActiveTranslatorChanged } from '../common/l10n/active-translator.js';
import type { Settings } from '../common/settings.js';
import type { Core, CoreNotifier, PanelHost } from '../core/core.js';
import { trayModel, type TrayAction, type TrayModel } from '../core/tray-model.js';
import { registerIpcAdapter, type EventTarget, type IpcMainLike } from './ipc-adapter.js';
import { createPanelController, type PanelController, type PanelWindowLike } from './panel-window.js';
import type { Bounds } from './panel-position.js';
import type { AppOrigin } from './security.js';
import { createTrayController, type TrayController, type TrayControllerOptions } from './tray-controller.js';
import type { UpdateController } from './updates.js';

/** An OS notification (Electron's Notification, reduced). */
export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
}

/**
 * The shell's one way to the OS for both features: supply alerts and urgent messages (with the
 * click that opens the panel at the message, and the badge).
 */
export type ShellNotifier = CoreNotifier;

/** How often the shell asks the OS whether the network is back (a local check, no traffic); the poller's own backoff covers the rest. */
export const ONLINE_CHECK_MS = 5 * 60_000;

/** Everything the shell needs from Electron and from index.ts. */
export interface ShellDeps<Image, Menu, W extends PanelWindowLike & { webContents: EventTarget }> {
  platform: string;
  productName: string;
  clock: Clock;
  timers: Timers;
  log: (message: string) => void;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  onAppEvent(event: 'second-instance' | 'before-quit', listener: () => void): void;
  /** Undefined where the OS has no login items Electron can set (Linux) or for an unpackaged dev run. */
  setLoginItem: ((openAtLogin: boolean) => void) | undefined;
  /** powerMonitor: sleep, wake, and the screen unlocking (the owner is back; a good moment to retry a failed poll). */
  onPowerEvent(event: 'suspend' | 'resume' | 'unlock-screen', listener: () => void): Disposable;
  /** Electron's net.isOnline(); checked every ONLINE_CHECK_MS, an offline → online change retries a failed message poll. */
  isOnline?: () => boolean;
  notifications: { isSupported(): boolean; create(options: { title: string; body: string }): NotificationLike };
  /** Composes the app around the shell's notifier and panel (core/compose-app.ts); only once this instance holds the lock. */
  createCore(notifier: ShellNotifier, panel: PanelHost): Core | Promise<Core>;
  tray: Pick<TrayControllerOptions<Image, Menu>, 'createTray' | 'createImage' | 'buildMenu'>;
  createPanelWindow(): W;
  workAreaNear(point: { x: number; y: number }): Bounds;
  ipcMain: IpcMainLike;
  origin: AppOrigin;
  /** Auto-update (main/updates.ts) where this build has it: the tray's "Check for updates" and its status. */
  updates?: UpdateController;
}

/** The running shell. */
export interface Shell<W extends PanelWindowLike> extends Disposable {
  readonly core: Core;
  readonly tray: TrayController;
  readonly panel: PanelController<W>;
  /** What the tray shows now (desktop tests read it). */
  trayModel(): TrayModel;
}

function escapeBodyMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Windows drops the click handler of a notification that was garbage-collected; keep a few alive. */
const MAX_LIVE_NOTIFICATIONS = 20;

/**
 * Starts the shell, or answers undefined (after asking the app to quit) when another instance
 * already runs: that one shows its panel instead.
 */
export async function startShell<Image, Menu, W extends PanelWindowLike & { webContents: EventTarget }>(
  deps: ShellDeps<Image, Menu, W>,
): Promise<Shell<W> | undefined> {
  if (!deps.requestSingleInstanceLock()) {
    deps.log('shell: Trayside is already running; showing its panel there');
    deps.quit();
    return undefined;
  }
  const disposables = new DisposableStore();
  // Notifications and the second instance open the panel; both exist before anything can fire.
  const openPanel = (): void => panel.show(tray.bounds());

  const live = new Set<NotificationLike>();
  let urgentMessages = 0;
  const notifier: ShellNotifier = {
    /** A supply alert opens the panel; an urgent message passes `onClick`, which asks the panel to show that message. */
    show({ title, body }, onClick: () => void = openPanel) {
      if (!deps.notifications.isSupported()) {
        deps.log(`shell: notifications are not supported here; would have shown: ${title}`);
        return;
      }
      // Linux notification daemons read the body as markup (freedesktop notification spec,
      // body-markup): an unescaped `<a href>` in a message would become a link that skips the allow-list.
      const notification = deps.notifications.create({ title, body: deps.platform === 'linux' ? escapeBodyMarkup(body) : body });
      live.add(notification);
      if (live.size > MAX_LIVE_NOTIFICATIONS) live.delete(live.values().next().value!);
      notification.on('click', onClick);
      notification.on('close', () => live.delete(notification));
      notification.on('failed', () => live.delete(notification));
      notification.show();
    },
    setBadge(count) {
      if (count === urgentMessages) return;
      urgentMessages = count;
      // Before the tray exists (the first evaluation during start) the count is picked up by the first refresh.
      if (started) refreshTray();
    },
  };
  let started = false;

  // Escape in the panel with nothing open in it hides the popover (app.hidePanel); the panel exists by the time the renderer can ask.
  const core = await deps.createCore(notifier, { hide: () => panel.hide() });
  disposables.add(core);
  const currentModel = (): TrayModel =>
    trayModel({
      snapshots: core.monitor.snapshots(),
      settings: core.settings.get(),
      now: deps.clock.now(),
      productName: deps.productName,
      urgentMessages,
      ...(deps.updates ? { updates: deps.updates.status() } : {}),
    });

  const panel = createPanelController({
    createWindow: deps.createPanelWindow,
    workAreaNear: deps.workAreaNear,
    platform: deps.platform,
    clock: deps.clock,
  });
  disposables.add(panel);
  disposables.add(
    registerIpcAdapter({
      ipcMain: deps.ipcMain,
      contract,
      dispatch: core.dispatch,
      subscribe: (listener) => core.events.subscribe(listener),
      origin: deps.origin,
      target: () => {
        const win = panel.window();
        return win.isDestroyed() ? undefined : win.webContents;
      },
      log: deps.log,
    }),
  );

  const onAction = (action: TrayAction): void => {
    switch (action.type) {
      case 'open-panel':
        openPanel();
        return;
      case 'pause-notifications':
        core.settings.pauseNotifications(action.choice);
        return;
      case 'set-launch-at-login':
        core.settings.update({ launchAtLogin: action.enabled });
        return;
      case 'quit':
        deps.quit();
        return;
      case 'check-for-updates':
        deps.updates?.checkNow();
        return;
      case 'get-help':
        // The event reaches the panel once it is open; its help view shows support and diagnostics.
        openPanel();
        core.diagnostics.requestHelp();
        return;
    }
  };
  const tray = createTrayController(
    { ...deps.tray, platform: deps.platform, onAction, onClick: (bounds) => panel.toggle(bounds) },
    currentModel(),
  );
  disposables.add(tray);

  // The "paused until" entry must turn back into "Pause…" when the pause ends, with no other change to trigger it.
  let pauseEnd: Disposable | undefined;
  const refreshTray = (): void => {
    tray.update(currentModel());
    pauseEnd?.dispose();
    const until = core.settings.get().notificationsPausedUntil;
    if (until !== null && until > deps.clock.now()) pauseEnd = deps.timers.setTimeout(refreshTray, until - deps.clock.now() + 1_000);
  };
  disposables.add({ dispose: () => pauseEnd?.dispose() });
  disposables.add(core.monitor.onChanged(refreshTray));
  // A language picked in the panel: the menu and tooltip change once that catalogue has loaded.
  disposables.add(onActiveTranslatorChanged(refreshTray));
  if (deps.updates) {
    disposables.add(deps.updates.onChanged(refreshTray));
    disposables.add(deps.updates);
  }

  let loginItem: boolean | undefined;
  const applyLoginItem = (settings: Settings): void => {
    if (!deps.setLoginItem || loginItem === settings.launchAtLogin) return;
    loginItem = settings.launchAtLogin;
    deps.setLoginItem(settings.launchAtLogin);
  };
  applyLoginItem(core.settings.get());
  disposables.add(
    core.settings.onChanged((settings) => {
      applyLoginItem(settings);
      refreshTray();
    }),
  );

  // A notification click (or the service itself) asks for a message: the panel opens, the renderer scrolls to it.
  disposables.add(core.messages.onOpenRequested(openPanel));

  // Asleep there is nothing to read and a USB read or a poll would fail; after wake, read and poll again.
  disposables.add(
    deps.onPowerEvent('suspend', () => {
      core.monitor.pause();
      core.messages.pause();
    }),
  );
  disposables.add(
    deps.onPowerEvent('resume', () => {
      core.monitor.resume();
      core.messages.resume();
    }),
  );
  disposables.add(deps.onPowerEvent('unlock-screen', () => core.messages.networkOnline()));
  if (deps.isOnline) disposables.add(watchOnline(deps.isOnline, deps.timers, () => core.messages.networkOnline()));
  deps.onAppEvent('second-instance', openPanel);
  deps.onAppEvent('before-quit', () => panel.allowClose());

  await core.start();
  started = true;
  refreshTray();
  deps.log('shell: started');
  return { core, tray, panel, trayModel: currentModel, dispose: () => disposables.dispose() };
}

/** Calls `onOnline` when `isOnline` turns from false to true, checked every ONLINE_CHECK_MS. */
function watchOnline(isOnline: () => boolean, timers: Timers, onOnline: () => void): Disposable {
  let online = isOnline();
  let timer: Disposable | undefined;
  const check = (): void => {
    const now = isOnline();
    if (now && !online) onOnline();
    online = now;
    timer = timers.setTimeout(check, ONLINE_CHECK_MS);
  };
  timer = timers.setTimeout(check, ONLINE_CHECK_MS);
  return { dispose: () => timer?.dispose() };
}
