/** A rectangle in screen coordinates (Electron's Rectangle, without importing Electron). */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room left between the panel and the taskbar or screen edge, in DIPs. */
const GAP = 8;

/** Where the taskbar (and so the tray icon) sits, judged from the tray bounds and the work area. */
export type TaskbarEdge = 'top' | 'bottom' | 'left' | 'right';

function centerOf(bounds: Bounds): { x: number; y: number } {
  return { x: bounds.x + bounds.width / 2, y: bounds.y + bounds.height / 2 };
}

/**
 * The work area excludes the taskbar, so the tray icon lies outside it on the taskbar's side.
 * With an auto-hiding taskbar the icon may lie inside: then the nearest edge wins.
 */
export function taskbarEdge(tray: Bounds, workArea: Bounds): TaskbarEdge {
  const c = centerOf(tray);
  if (c.y < workArea.y) return 'top';
  if (c.y >= workArea.y + workArea.height) return 'bottom';
  if (c.x < workArea.x) return 'left';
  if (c.x >= workArea.x + workArea.width) return 'right';
  const distances: Array<[TaskbarEdge, number]> = [
    ['top', c.y - workArea.y],
    ['bottom', workArea.y + workArea.height - c.y],
    ['left', c.x - workArea.x],
    ['right', workArea.x + workArea.width - c.x],
  ];
  return distances.sort((a, b) => a[1] - b[1])[0]![0];
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}

/**
 * Top-left corner for the panel: next to the tray icon, on the side away from the taskbar,
 * centred on the icon and kept inside the work area. Linux trays often report empty bounds
 * (0,0,0,0); then the panel goes to the bottom-right corner of the work area, where most
 * desktops keep the tray, or the top-right one on macOS.
 */
export function panelPosition(
  tray: Bounds,
  panel: { width: number; height: number },
  workArea: Bounds,
  platform: string = 'win32',
): { x: number; y: number } {
  const minX = workArea.x + GAP;
  const minY = workArea.y + GAP;
  const maxX = workArea.x + workArea.width - panel.width - GAP;
  const maxY = workArea.y + workArea.height - panel.height - GAP;
  if (tray.width <= 0 || tray.height <= 0) {
    return { x: Math.round(Math.max(minX, maxX)), y: Math.round(platform === 'darwin' ? minY : Math.max(minY, maxY)) };
  }
  const c = centerOf(tray);
  const edge = taskbarEdge(tray, workArea);
  let x: number;
  let y: number;
  switch (edge) {
    case 'top':
      x = c.x - panel.width / 2;
      y = minY;
      break;
    case 'bottom':
      x = c.x - panel.width / 2;
      y = maxY;
      break;
    case 'left':
      x = minX;
      y = c.y - panel.height / 2;
      break;
    case 'right':
      x = maxX;
      y = c.y - panel.height / 2;
      break;
  }
  // A panel larger than the work area keeps its top-left corner visible.
  return { x: Math.round(clamp(x, minX, Math.max(minX, maxX))), y: Math.round(clamp(y, minY, Math.max(minY, maxY))) };
}
