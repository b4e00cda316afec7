import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { panelPosition, taskbarEdge } from './panel-position.js';

const PANEL = { width: 360, height: 520 };
// 1920x1080 screen; the work area is what the taskbar leaves free.
const BOTTOM_BAR = { x: 0, y: 0, width: 1920, height: 1040 };
const TOP_BAR = { x: 0, y: 25, width: 1920, height: 1055 };
const LEFT_BAR = { x: 48, y: 0, width: 1872, height: 1080 };
const RIGHT_BAR = { x: 0, y: 0, width: 1872, height: 1080 };

describe('panelPosition', () => {
  it('Windows, taskbar at the bottom: above the icon, centred on it', () => {
    const tray = { x: 1700, y: 1048, width: 24, height: 24 };
    expect(taskbarEdge(tray, BOTTOM_BAR)).toBe('bottom');
    expect(panelPosition(tray, PANEL, BOTTOM_BAR)).toEqual({ x: 1532, y: 512 });
  });

  it('macOS menu bar at the top: just below the bar, under the icon', () => {
    const tray = { x: 1500, y: 0, width: 22, height: 24 };
    expect(panelPosition(tray, PANEL, TOP_BAR, 'darwin')).toEqual({ x: 1331, y: 33 });
  });

  it('keeps the panel inside the screen when the icon is at the far right', () => {
    const tray = { x: 1900, y: 1048, width: 20, height: 24 };
    expect(panelPosition(tray, PANEL, BOTTOM_BAR)).toEqual({ x: 1920 - 360 - 8, y: 512 });
  });

  it('taskbar on the left or right: beside the bar, level with the icon', () => {
    expect(panelPosition({ x: 12, y: 900, width: 24, height: 24 }, PANEL, LEFT_BAR)).toEqual({ x: 56, y: 552 });
    expect(panelPosition({ x: 1884, y: 500, width: 24, height: 24 }, PANEL, RIGHT_BAR)).toEqual({ x: 1504, y: 252 });
  });

  it('works on a second monitor with negative coordinates', () => {
    const workArea = { x: -1280, y: 0, width: 1280, height: 984 };
    const tray = { x: -100, y: 990, width: 24, height: 24 };
    expect(panelPosition(tray, PANEL, workArea)).toEqual({ x: -1280 + 1280 - 360 - 8, y: 984 - 520 - 8 });
  });

  it('falls back to a corner when the tray reports empty bounds (many Linux trays)', () => {
    const empty = { x: 0, y: 0, width: 0, height: 0 };
    expect(panelPosition(empty, PANEL, BOTTOM_BAR, 'linux')).toEqual({ x: 1552, y: 512 });
    expect(panelPosition(empty, PANEL, TOP_BAR, 'darwin')).toEqual({ x: 1552, y: 33 });
  });

  it('an auto-hidden taskbar (icon inside the work area) uses the nearest edge', () => {
    const full = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(taskbarEdge({ x: 1700, y: 1060, width: 20, height: 20 }, full)).toBe('bottom');
  });

  it('always lands inside the work area when the panel fits (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          x: fc.integer({ min: -4000, max: 4000 }),
          y: fc.integer({ min: -4000, max: 4000 }),
          width: fc.integer({ min: 600, max: 4000 }),
          height: fc.integer({ min: 700, max: 3000 }),
        }),
        fc.record({
          x: fc.integer({ min: -5000, max: 9000 }),
          y: fc.integer({ min: -5000, max: 9000 }),
          width: fc.integer({ min: 0, max: 64 }),
          height: fc.integer({ min: 0, max: 64 }),
        }),
        fc.constantFrom('win32', 'darwin', 'linux'),
        (workArea, tray, platform) => {
          const { x, y } = panelPosition(tray, PANEL, workArea, platform);
          expect(x).toBeGreaterThanOrEqual(workArea.x);
          expect(y).toBeGreaterThanOrEqual(workArea.y);
          expect(x + PANEL.width).toBeLessThanOrEqual(workArea.x + workArea.width);
          expect(y + PANEL.height).toBeLessThanOrEqual(workArea.y + workArea.height);
        },
      ),
    );
  });
});
