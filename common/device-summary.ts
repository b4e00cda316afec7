import type { DeviceCondition, DeviceReading, DeviceState } from './device.js';
import { describeLevel, lowestSupply, supplyUrgency, type Supply } from './supply.js';

/** Overall state and the one line a person reads about a device. */
export interface DeviceSummary {
  state: DeviceState;
  statusLine: string;
}

function supplyPhrase(supply: Supply): string {
  const level = describeLevel(supply.level);
  if (supply.role === 'receptacle') return supply.empty ? `${supply.name} full` : `${supply.name} nearly full (${level})`;
  return supply.empty ? `${supply.name} empty` : `${supply.name} low (${level})`;
}

function worstCondition(conditions: readonly DeviceCondition[]): DeviceCondition | undefined {
  const rank = { error: 2, warning: 1, info: 0 } as const;
  return [...conditions].sort((a, b) => rank[b.severity] - rank[a.severity])[0];
}

/**
 * Summarizes a reading: errors first (the device cannot work), then warnings and supplies that
 * need attention, else "Ready". An empty supply is an error only for consumables: a printer
 * with no cyan stops, a full waste receptacle does too, so both count.
 */
export function summarizeReading(reading: Pick<DeviceReading, 'conditions' | 'supplies'>): DeviceSummary {
  const worst = worstCondition(reading.conditions);
  if (worst?.severity === 'error') return { state: 'error', statusLine: worst.message };
  const emptySupply = reading.supplies.find((supply) => supply.empty);
  if (emptySupply) return { state: 'error', statusLine: supplyPhrase(emptySupply) };
  if (worst?.severity === 'warning') return { state: 'attention', statusLine: worst.message };
  const lowest = lowestSupply(reading.supplies);
  if (lowest && supplyUrgency(lowest) > 0) {
    const others = reading.supplies.filter((supply) => supply !== lowest && supply.low).length;
    const suffix = others > 0 ? ` and ${others} more` : '';
    return { state: 'attention', statusLine: `${supplyPhrase(lowest)}${suffix}` };
  }
  return { state: 'ok', statusLine: worst?.message ?? 'Ready' };
}

/** The tray's overall state: the worst of all devices; no devices is "ok" (nothing to worry about). */
export function overallState(states: readonly DeviceState[]): DeviceState {
  const rank: Record<DeviceState, number> = { ok: 0, attention: 1, unreachable: 2, error: 3 };
  return states.reduce<DeviceState>((worst, state) => (rank[state] > rank[worst] ? state : worst), 'ok');
}
