import { describe, expect, it } from 'vitest';
import { FakeTime } from '../test/support/fake-time.js';
import { BLUR_CLICK_GRACE_MS, createPanelController, PANEL_SIZE, panelWindowOptions, type PanelWindowLike } from './panel-window.js';

const TRAY = { x: 1700, y: 1048, width: 24, height: 24 };
const WORK_AREA = { x: 0, y: 0, width: 1920, height: 1040 };

class FakeWindow implements PanelWindowLike {
  visible = false;
  destroyed = false;
  focused = false;
  position: [number, number] | undefined;
  readonly listeners = new Map<string, (event: { preventDefault(): void }) => void>();
  isVisible = () => this.visible;
  isDestroyed = () => this.destroyed;
  show = () => {
    this.visible = true;
  };
  hide = () => {
    this.visible = false;
    this.focused = false;
  };
  focus = () => {
    this.focused = true;
  };
  setPosition = (x: number, y: number) => {
    this.position = [x, y];
  };
  on(event: string, listener: (event: { preventDefault(): void }) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  destroy = () => {
    this.destroyed = true;
  };
  /** What the OS does when focus moves elsewhere. */
  blur(): void {
    this.listeners.get('blur')!({ preventDefault: () => undefined });
  }
  /** Alt+F4; answers whether the close was prevented. */
  close(): boolean {
    let prevented = false;
    this.listeners.get('close')!({ preventDefault: () => (prevented = true) });
    if (!prevented) this.destroyed = true;
    return prevented;
  }
}

function setup() {
  const time = new FakeTime();
  const windows: FakeWindow[] = [];
  const panel = createPanelController({
    createWindow: () => {
      const win = new FakeWindow();
      windows.push(win);
      return win;
    },
    workAreaNear: () => WORK_AREA,
    platform: 'win32',
    clock: time,
  });
  return { panel, windows, time };
}

describe('panel window', () => {
  it('is frameless, hidden at first, kept out of the taskbar and hardened', () => {
    const options = panelWindowOptions('/app/out/preload/index.cjs', 'win32');
    expect(options).toMatchObject({ frame: false, show: false, skipTaskbar: true, resizable: false, ...PANEL_SIZE });
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  });

  it('is created hidden at start, so the first click shows it at once', () => {
    const { windows } = setup();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.visible).toBe(false);
  });

  it('a tray click opens it next to the icon and focuses it; a second click closes it', async () => {
    const { panel, windows, time } = setup();
    panel.toggle(TRAY);
    const win = windows[0]!;
    expect(win.visible).toBe(true);
    expect(win.focused).toBe(true);
    expect(win.position).toEqual([1712 - PANEL_SIZE.width / 2, 1040 - PANEL_SIZE.height - 8]);
    await time.advance(5_000);
    panel.toggle(TRAY);
    expect(win.visible).toBe(false);
  });

  it('hides when it loses focus', () => {
    const { panel, windows } = setup();
    panel.toggle(TRAY);
    windows[0]!.blur();
    expect(panel.isVisible()).toBe(false);
  });

  it('a click on the icon that caused the blur does not reopen it; a later click does', async () => {
    const { panel, windows, time } = setup();
    panel.toggle(TRAY);
    await time.advance(2_000);
    windows[0]!.blur();
    await time.advance(50);
    panel.toggle(TRAY);
    expect(panel.isVisible()).toBe(false);
    await time.advance(BLUR_CLICK_GRACE_MS + 1);
    panel.toggle(TRAY);
    expect(panel.isVisible()).toBe(true);
  });

  it('Alt+F4 hides instead of closing; after allowClose (quit) it closes', () => {
    const { panel, windows } = setup();
    panel.toggle(TRAY);
    expect(windows[0]!.close()).toBe(true);
    expect(panel.isVisible()).toBe(false);
    panel.allowClose();
    expect(windows[0]!.close()).toBe(false);
  });

  it('recreates a window that was destroyed, and destroys it when disposed', () => {
    const { panel, windows } = setup();
    windows[0]!.destroyed = true;
    panel.show(TRAY);
    expect(windows).toHaveLength(2);
    expect(windows[1]!.visible).toBe(true);
    panel.dispose();
    expect(windows[1]!.destroyed).toBe(true);
  });
});
