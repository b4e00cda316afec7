import type { Disposable } from '../common/lifecycle.js';
import type { TrayAction, TrayMenuItem, TrayModel, TrayState } from '../core/tray-model.js';
import type { Bounds } from './panel-position.js';

/** One entry of Electron's Menu.buildFromTemplate input, reduced to what the tray uses. */
export interface MenuTemplateItem {
  type?: 'normal' | 'separator' | 'checkbox';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

/** The part of Electron's Tray the controller uses. */
export interface TrayLike<Image, Menu> {
  setImage(image: Image): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: Menu | null): void;
  popUpContextMenu(menu?: Menu): void;
  getBounds(): Bounds;
  on(event: 'click' | 'right-click', listener: () => void): unknown;
  destroy(): void;
}

/** Electron constructors, injected (Signal Desktop's `createTrayInstance` pattern) so tests need no Electron. */
export interface TrayControllerOptions<Image, Menu> {
  createTray(image: Image): TrayLike<Image, Menu>;
  createImage(state: TrayState): Image;
  buildMenu(template: MenuTemplateItem[]): Menu;
  platform: string;
  /** A menu entry was chosen. */
  onAction(action: TrayAction): void;
  /** The icon was clicked (left button); the panel toggles next to these bounds. */
  onClick(trayBounds: Bounds): void;
}

/** Shows a TrayModel in the system tray. */
export interface TrayController extends Disposable {
  update(model: TrayModel): void;
  bounds(): Bounds;
}

function toTemplate(items: readonly TrayMenuItem[], onAction: (action: TrayAction) => void): MenuTemplateItem[] {
  return items.map((item) => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, click: () => onAction(item.action) };
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, click: () => onAction(item.action) };
    }
  });
}

/**
 * Creates the tray icon. On macOS a left click opens the panel and a right click the menu, as
 * menu-bar apps do; there the menu is popped up, because a menu set with setContextMenu would
 * swallow the left click. Windows and Linux get the menu as the context menu (most Linux trays,
 * AppIndicator ones, emit no click at all, so "Open Trayside" in the menu is the way in there).
 */
export function createTrayController<Image, Menu>(options: TrayControllerOptions<Image, Menu>, initial: TrayModel): TrayController {
  const tray = options.createTray(options.createImage(initial.state));
  let state: TrayState = initial.state;
  let menuKey = '';
  let menu: Menu | undefined;
  let disposed = false;

  const applyMenu = (items: readonly TrayMenuItem[]): void => {
    // Rebuilding an open context menu closes it on Windows: only rebuild when the entries changed.
    const key = JSON.stringify(items);
    if (key === menuKey) return;
    menuKey = key;
    menu = options.buildMenu(toTemplate(items, options.onAction));
    if (options.platform !== 'darwin') tray.setContextMenu(menu);
  };

  tray.setToolTip(initial.tooltip);
  applyMenu(initial.menu);
  tray.on('click', () => options.onClick(tray.getBounds()));
  if (options.platform === 'darwin') tray.on('right-click', () => tray.popUpContextMenu(menu));

  return {
    update(model) {
      if (disposed) return;
      if (model.state !== state) {
        state = model.state;
        tray.setImage(options.createImage(state));
      }
      tray.setToolTip(model.tooltip);
      applyMenu(model.menu);
    },
    bounds: () => tray.getBounds(),
    dispose() {
      if (disposed) return;
      disposed = true;
      tray.destroy();
    },
  };
}
