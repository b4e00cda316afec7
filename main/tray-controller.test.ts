import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../common/device.js';
import { DEFAULT_SETTINGS } from '../common/settings.js';
import { classifySupply } from '../common/supply.js';
import { trayModel, type TrayAction, type TrayState } from '../core/tray-model.js';
import { createTrayController, type MenuTemplateItem, type TrayLike } from './tray-controller.js';

const NOW = Date.UTC(2025, 0, 15, 12);

function printer(cyan: number, state: DeviceSnapshot['state'] = cyan <= 10 ? 'attention' : 'ok'): DeviceSnapshot {
  return {
    id: 'p1',
    transport: 'simulated',
    identity: { manufacturer: 'Trayside', model: 'Trayside Demo Printer', commandSet: [] },
    state,
    statusLine: state === 'ok' ? 'Ready' : state === 'error' ? 'Paper jam' : `Cyan ink low (${cyan} %)`,
    conditions: [],
    supplies: [
      classifySupply({
        id: 'cyan',
        name: 'Cyan ink',
        kind: 'ink',
        role: 'consumable',
        level: { kind: 'percent', percent: cyan },
        lowThreshold: 10,
      }),
    ],
    facts: {},
    stale: false,
    updatedAt: NOW,
  };
}

/** A fake Tray that records what a person would see. */
class FakeTray implements TrayLike<string, MenuTemplateItem[]> {
  image: string;
  tooltip = '';
  contextMenu: MenuTemplateItem[] | null = null;
  poppedUp: MenuTemplateItem[] | undefined;
  destroyed = false;
  setImageCalls = 0;
  contextMenuSets = 0;
  readonly listeners = new Map<string, () => void>();
  constructor(image: string) {
    this.image = image;
  }
  setImage(image: string): void {
    this.image = image;
    this.setImageCalls += 1;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: MenuTemplateItem[] | null): void {
    this.contextMenu = menu;
    this.contextMenuSets += 1;
  }
  popUpContextMenu(menu?: MenuTemplateItem[]): void {
    this.poppedUp = menu;
  }
  getBounds() {
    return { x: 1700, y: 1048, width: 24, height: 24 };
  }
  on(event: 'click' | 'right-click', listener: () => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(platform = 'win32', snapshots: DeviceSnapshot[] = [printer(50)]) {
  let tray: FakeTray | undefined;
  const actions: TrayAction[] = [];
  const clicks: unknown[] = [];
  const controller = createTrayController<string, MenuTemplateItem[]>(
    {
      createTray: (image) => (tray = new FakeTray(image)),
      createImage: (state: TrayState) => `tray-${state}.png`,
      buildMenu: (template) => template,
      platform,
      onAction: (action) => actions.push(action),
      onClick: (bounds) => clicks.push(bounds),
    },
    trayModel({ snapshots, settings: DEFAULT_SETTINGS, now: NOW }),
  );
  return { tray: tray!, controller, actions, clicks };
}

const click = (menu: MenuTemplateItem[] | null | undefined, label: string): void => menu!.find((item) => item.label === label)!.click!();

describe('tray controller', () => {
  it('starts with the icon, tooltip and menu of the current state', () => {
    const { tray } = setup();
    expect(tray.image).toBe('tray-ok.png');
    expect(tray.tooltip).toBe('Trayside — All devices ready');
    expect(tray.contextMenu?.map((item) => item.label ?? '---')).toContain('Trayside Demo Printer — Cyan ink 50 %');
  });

  it('changes icon and tooltip when a supply goes low, then when the printer errors', () => {
    const { tray, controller } = setup();
    controller.update(trayModel({ snapshots: [printer(8)], settings: DEFAULT_SETTINGS, now: NOW }));
    expect(tray.image).toBe('tray-attention.png');
    expect(tray.tooltip).toBe('Trayside — Cyan ink low (8 %)');
    controller.update(trayModel({ snapshots: [printer(8, 'error')], settings: DEFAULT_SETTINGS, now: NOW }));
    expect(tray.image).toBe('tray-error.png');
    controller.update(trayModel({ snapshots: [printer(80)], settings: DEFAULT_SETTINGS, now: NOW }));
    expect(tray.image).toBe('tray-ok.png');
  });

  it('does not redraw the icon or rebuild the menu when nothing visible changed', () => {
    const { tray, controller } = setup();
    const sets = tray.contextMenuSets;
    controller.update(trayModel({ snapshots: [printer(50)], settings: DEFAULT_SETTINGS, now: NOW }));
    expect(tray.setImageCalls).toBe(0);
    expect(tray.contextMenuSets).toBe(sets);
  });

  it('menu entries carry out their actions', () => {
    const { tray, actions } = setup();
    for (const label of [
      'Open Trayside',
      'Pause notifications for 1 hour',
      'Pause notifications until tomorrow',
      'Launch at login',
      'Quit Trayside',
      'Trayside Demo Printer — Cyan ink 50 %',
    ]) {
      click(tray.contextMenu, label);
    }
    expect(actions).toEqual([
      { type: 'open-panel' },
      { type: 'pause-notifications', choice: 'one-hour' },
      { type: 'pause-notifications', choice: 'until-tomorrow' },
      { type: 'set-launch-at-login', enabled: false },
      { type: 'quit' },
      { type: 'open-panel', deviceId: 'p1' },
    ]);
    const launch = tray.contextMenu!.find((item) => item.label === 'Launch at login');
    expect(launch).toMatchObject({ type: 'checkbox', checked: true });
  });

  it('shows "paused until" and resume after pausing', () => {
    const { tray, controller, actions } = setup();
    controller.update(
      trayModel({
        snapshots: [],
        settings: { ...DEFAULT_SETTINGS, notificationsPausedUntil: NOW + 3_600_000 },
        now: NOW,
        formatTime: () => '13:00',
      }),
    );
    expect(tray.contextMenu!.find((item) => item.label === 'Notifications paused until 13:00')).toMatchObject({ enabled: false });
    click(tray.contextMenu, 'Resume notifications');
    expect(actions).toEqual([{ type: 'pause-notifications', choice: 'resume' }]);
  });

  it('a left click toggles the panel at the icon', () => {
    const { tray, clicks } = setup();
    tray.listeners.get('click')!();
    expect(clicks).toEqual([{ x: 1700, y: 1048, width: 24, height: 24 }]);
  });

  it('on macOS pops the menu up on right click instead of setting a context menu', () => {
    const { tray } = setup('darwin');
    expect(tray.contextMenu).toBeNull();
    tray.listeners.get('right-click')!();
    expect(tray.poppedUp?.[0]?.label).toBe('Open Trayside');
  });

  it('removes the icon when disposed and ignores later updates', () => {
    const { tray, controller } = setup();
    controller.dispose();
    expect(tray.destroyed).toBe(true);
    controller.update(trayModel({ snapshots: [printer(1)], settings: DEFAULT_SETTINGS, now: NOW }));
    expect(tray.image).toBe('tray-ok.png');
  });
});
