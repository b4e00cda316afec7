import { describe, expect, it } from 'vitest';
import type { DeviceCondition } from './device.js';
import { listProblems, summarizeReading } from './device-summary.js';
import { classifySupply, type Supply } from './supply.js';

const ink = (id: string, percent: number): Supply =>
  classifySupply({
    id,
    name: `${id[0]!.toUpperCase()}${id.slice(1)} ink`,
    kind: 'ink',
    role: 'consumable',
    level: { kind: 'percent', percent },
    lowThreshold: 10,
  });
const waste = (percent: number): Supply =>
  classifySupply({
    id: 'waste',
    name: 'Waste ink box',
    kind: 'waste',
    role: 'receptacle',
    level: { kind: 'percent', percent },
    lowThreshold: 90,
  });
// The simulated printer's wording (native/simulated/printer.ts): a headline, then what to do.
const JAM: DeviceCondition = { code: 'media-jam', severity: 'error', message: 'Paper jam: open the rear door and remove the paper' };
const DOOR: DeviceCondition = { code: 'door-open', severity: 'error', message: 'Door open: close the front cover' };
const BATTERY: DeviceCondition = { code: 'on-battery', severity: 'warning', message: 'Running on battery: mains power is off' };
const full = [ink('black', 64), ink('cyan', 23), ink('magenta', 71), ink('yellow', 88), waste(35)];

describe('device status line', () => {
  it('says how many problems, names the worst and lists the rest: jam + door open + cyan low', () => {
    const summary = summarizeReading({ conditions: [JAM, DOOR], supplies: [ink('black', 64), ink('cyan', 5), waste(35)] });
    expect(summary.state).toBe('error');
    expect(summary.statusLine).toBe('Paper jam · 2 more: door open, cyan ink low (5 %)');
    expect(summary.problems.map((problem) => problem.message)).toEqual([
      'Paper jam: open the rear door and remove the paper',
      'Door open: close the front cover',
      'Cyan ink low (5 %)',
    ]);
  });

  it('names every empty ink, not only the first', () => {
    const summary = summarizeReading({ conditions: [], supplies: [ink('black', 0), ink('cyan', 0), ink('magenta', 0), ink('yellow', 40)] });
    expect(summary.state).toBe('error');
    expect(summary.statusLine).toBe('Black ink empty · 2 more: cyan ink empty, magenta ink empty');
  });

  it('ranks by severity, not by order or wording: an empty ink before a reported warning, that before a low ink', () => {
    const problems = listProblems({ conditions: [BATTERY], supplies: [ink('black', 8), ink('cyan', 0)] });
    expect(problems.map((problem) => [problem.severity, problem.about])).toEqual([
      ['error', { kind: 'supply', supplyId: 'cyan' }],
      ['warning', { kind: 'condition', code: 'on-battery' }],
      ['warning', { kind: 'supply', supplyId: 'black' }],
    ]);
  });

  it('keeps one problem in full, with what to do', () => {
    expect(summarizeReading({ conditions: [JAM], supplies: full }).statusLine).toBe('Paper jam: open the rear door and remove the paper');
    expect(summarizeReading({ conditions: [], supplies: [ink('cyan', 4)] })).toMatchObject({
      state: 'attention',
      statusLine: 'Cyan ink low (4 %)',
    });
  });

  it('puts the closest to empty first among low supplies, and words a full waste box as full', () => {
    expect(summarizeReading({ conditions: [], supplies: [ink('black', 9), ink('cyan', 3), waste(92)] }).statusLine).toBe(
      'Cyan ink low (3 %) · 2 more: waste ink box nearly full (92 %), black ink low (9 %)',
    );
    expect(summarizeReading({ conditions: [], supplies: [waste(100)] })).toMatchObject({
      state: 'error',
      statusLine: 'Waste ink box full',
    });
  });

  it('is "Ready" with nothing wrong, and shows an info note without calling it a problem', () => {
    expect(summarizeReading({ conditions: [], supplies: full })).toEqual({ state: 'ok', problems: [], note: null, statusLine: 'Ready' });
    const note = summarizeReading({
      conditions: [{ code: 'supply-replaced', severity: 'info', message: 'Cyan ink replaced' }],
      supplies: full,
    });
    expect(note).toMatchObject({ state: 'ok', problems: [], note: 'Cyan ink replaced', statusLine: 'Cyan ink replaced' });
  });

  it('keeps an acronym as written in the list', () => {
    const usb: DeviceCondition = { code: 'other', severity: 'warning', message: 'USB connection slow' };
    expect(summarizeReading({ conditions: [JAM, usb], supplies: [] }).statusLine).toBe('Paper jam · 1 more: USB connection slow');
  });

  it('fits the snapshot schema with many problems, and the count stays true', () => {
    const many = Array.from({ length: 40 }, (_, index) => ({
      code: `c${index}`,
      severity: 'error' as const,
      message: `Problem number ${index} with a rather long name`,
    }));
    const line = summarizeReading({ conditions: many, supplies: [] }).statusLine;
    expect(line.length).toBeLessThanOrEqual(300);
    expect(line).toMatch(/^Problem number 0 with a rather long name · 39 more: problem number 1 .*, …$/);
  });
});
