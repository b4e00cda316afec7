import type { DeviceCondition, DeviceIdentity, DeviceReading } from '../../common/device.js';
import type { Clock } from '../../common/lifecycle.js';
import {
  classifySupply,
  DEFAULT_LOW_THRESHOLD,
  type Supply,
  type SupplyColor,
  type SupplyKind,
  type SupplyRole,
} from '../../common/supply.js';
import type { DeviceSession } from '../transport.js';

/** Error states the simulated printer can be put into; codes are IPP printer-state-reasons. */
export const SIMULATED_CONDITIONS = {
  'media-empty': { severity: 'error', message: 'Paper out: load paper in the main tray' },
  'door-open': { severity: 'error', message: 'Door open: close the front cover' },
  'media-jam': { severity: 'error', message: 'Paper jam: open the rear door and remove the paper' },
  offline: { severity: 'error', message: 'Printer is offline: press the power button to wake it' },
} as const satisfies Record<string, Omit<DeviceCondition, 'code'>>;

/** A condition the simulated printer knows. */
export type SimulatedConditionCode = keyof typeof SIMULATED_CONDITIONS;

interface SupplyDefinition {
  id: string;
  name: string;
  kind: SupplyKind;
  role: SupplyRole;
  color?: SupplyColor;
  partNumber: string;
  /** Percent per simulated hour at speed 1: cyan drains fastest so the demo has a clear "next to run out". */
  ratePerHour: number;
  initialPercent: number;
}

const DEFAULT_SUPPLIES: readonly SupplyDefinition[] = [
  {
    id: 'black',
    name: 'Black ink',
    kind: 'ink',
    role: 'consumable',
    color: { name: 'black', hex: '#1a1a1a' },
    partNumber: 'TS-805XL-K',
    ratePerHour: 0.6,
    initialPercent: 64,
  },
  {
    id: 'cyan',
    name: 'Cyan ink',
    kind: 'ink',
    role: 'consumable',
    color: { name: 'cyan', hex: '#00a0d8' },
    partNumber: 'TS-805XL-C',
    ratePerHour: 0.9,
    initialPercent: 23,
  },
  {
    id: 'magenta',
    name: 'Magenta ink',
    kind: 'ink',
    role: 'consumable',
    color: { name: 'magenta', hex: '#d4007f' },
    partNumber: 'TS-805XL-M',
    ratePerHour: 0.5,
    initialPercent: 71,
  },
  {
    id: 'yellow',
    name: 'Yellow ink',
    kind: 'ink',
    role: 'consumable',
    color: { name: 'yellow', hex: '#f2c200' },
    partNumber: 'TS-805XL-Y',
    ratePerHour: 0.4,
    initialPercent: 88,
  },
  { id: 'waste', name: 'Waste ink box', kind: 'waste', role: 'receptacle', partNumber: 'TS-WB10', ratePerHour: 0.2, initialPercent: 35 },
];

/** How a simulated printer starts. */
export interface SimulatedPrinterOptions {
  clock: Clock;
  id?: string;
  model?: string;
  serial?: string;
  /** Simulated hours per real hour; 3600 makes one real second a simulated hour. */
  speed?: number;
  /** Starting levels by supply id, in percent. */
  levels?: Partial<Record<string, number>>;
  /** What the printer reports about each supply being genuine, by supply id; a supply not named reports nothing. */
  genuine?: Partial<Record<string, boolean>>;
}

interface SupplyState {
  definition: SupplyDefinition;
  /** Level at `since`; the current level is computed from elapsed time, so no timer is needed. */
  percent: number;
  since: number;
  /** What the printer reports about the installed supply being genuine; undefined reports nothing. */
  genuine: boolean | undefined;
}

/**
 * A printer with four inks that drain and a waste box that fills, plus error states, behind the
 * same DeviceSession interface as the real transports. Levels are computed from the injected
 * clock when read, so it costs nothing between reads and a test can move time at will.
 */
export class SimulatedPrinter implements DeviceSession {
  readonly transport = 'simulated' as const;
  readonly id: string;
  private readonly clock: Clock;
  private readonly identity: DeviceIdentity;
  private readonly deviceIdFields: Record<string, string>;
  private speed: number;
  private readonly supplies: SupplyState[];
  private readonly active = new Set<SimulatedConditionCode>();
  private responsive = true;
  private closed = false;

  constructor(options: SimulatedPrinterOptions) {
    this.clock = options.clock;
    this.id = options.id ?? 'simulated:TS-DEMO-0001';
    this.speed = validSpeed(options.speed ?? 1);
    this.identity = {
      manufacturer: 'Trayside',
      model: options.model ?? 'Trayside Demo Printer',
      serial: options.serial ?? 'TS-DEMO-0001',
      firmware: '1.4.2',
      commandSet: ['PJL', 'PCL', 'PWG'],
    };
    // The 1284 ID a printer like this would send over GET_DEVICE_ID, as support sees it in a capture.
    this.deviceIdFields = {
      MFG: this.identity.manufacturer,
      MDL: this.identity.model,
      CMD: this.identity.commandSet.join(','),
      CLS: 'PRINTER',
      ...(this.identity.serial ? { SN: this.identity.serial } : {}),
    };
    const now = this.clock.now();
    this.supplies = DEFAULT_SUPPLIES.map((definition) => ({
      definition,
      percent: clampPercent(options.levels?.[definition.id] ?? definition.initialPercent),
      since: now,
      genuine: options.genuine?.[definition.id],
    }));
  }

  /** Sets how fast supplies change: simulated hours per real hour. */
  setSpeed(speed: number): void {
    this.rebase();
    this.speed = validSpeed(speed);
  }

  /**
   * Sets one supply's level now (a refill, or a test putting it below its low mark); with `genuine`,
   * also what the printer reports about the supply now installed (undefined: reports nothing).
   */
  setLevel(supplyId: string, percent: number, install?: { genuine: boolean | undefined }): void {
    const state = this.supplyState(supplyId);
    state.percent = clampPercent(percent);
    state.since = this.clock.now();
    if (install) state.genuine = install.genuine;
  }

  /** Sets what the printer reports about one supply being genuine (undefined: it reports nothing). */
  setGenuine(supplyId: string, genuine: boolean | undefined): void {
    this.supplyState(supplyId).genuine = genuine;
  }

  private supplyState(supplyId: string): SupplyState {
    const state = this.supplies.find((supply) => supply.definition.id === supplyId);
    if (!state) throw new Error(`Unknown supply "${supplyId}": expected one of ${this.supplies.map((s) => s.definition.id).join(', ')}`);
    return state;
  }

  /** Turns an error state on or off. */
  setCondition(code: SimulatedConditionCode, active: boolean): void {
    if (!(code in SIMULATED_CONDITIONS))
      throw new Error(`Unknown condition "${code}": expected one of ${Object.keys(SIMULATED_CONDITIONS).join(', ')}`);
    if (active) this.active.add(code);
    else this.active.delete(code);
  }

  /** When false, reads hang until aborted, as a device that stopped answering does. */
  setResponsive(responsive: boolean): void {
    this.responsive = responsive;
  }

  async read(signal: AbortSignal): Promise<DeviceReading> {
    if (this.closed) throw new Error(`${this.id} is closed`);
    if (!this.responsive) await waitForAbort(signal);
    signal.throwIfAborted();
    return {
      identity: this.identity,
      conditions: [...this.active].map((code) => ({ code, ...SIMULATED_CONDITIONS[code] })),
      supplies: this.supplies.map((state) => this.currentSupply(state)),
      sources: { ieee1284: this.deviceIdFields },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private currentSupply(state: SupplyState): Supply {
    const { definition } = state;
    return classifySupply({
      id: definition.id,
      name: definition.name,
      kind: definition.kind,
      role: definition.role,
      ...(definition.color ? { color: definition.color } : {}),
      level: { kind: 'percent', percent: Math.round(this.levelOf(state) * 10) / 10 },
      lowThreshold: DEFAULT_LOW_THRESHOLD[definition.role],
      partNumber: definition.partNumber,
      ...(state.genuine !== undefined ? { genuine: state.genuine } : {}),
    });
  }

  private levelOf(state: SupplyState): number {
    const hours = ((this.clock.now() - state.since) / 3_600_000) * this.speed;
    const change = hours * state.definition.ratePerHour;
    return clampPercent(state.definition.role === 'consumable' ? state.percent - change : state.percent + change);
  }

  private rebase(): void {
    const now = this.clock.now();
    for (const state of this.supplies) {
      state.percent = this.levelOf(state);
      state.since = now;
    }
  }
}

function clampPercent(value: number): number {
  if (!Number.isFinite(value)) throw new Error(`Level must be a number from 0 to 100, got ${value}`);
  return Math.min(100, Math.max(0, value));
}

function validSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0 || speed > 1_000_000) {
    throw new Error(`Simulation speed must be from 0 to 1000000 (simulated hours per real hour), got ${speed}`);
  }
  return speed;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
