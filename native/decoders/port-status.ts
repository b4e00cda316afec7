import type { DeviceCondition } from '../../common/device.js';
import { decoded, unreadable, type Decoded } from './decoded.js';

/** The three bits of the USB printer class GET_PORT_STATUS byte that mean anything. */
export interface PortStatus {
  paperEmpty: boolean;
  online: boolean;
  error: boolean;
}

// Bit values from the USB Printer Class spec 1.1 §4.2.2 and Linux include/linux/lp.h
// (LP_POUTPA, LP_PSELECD, LP_PERRORP); usblp.c `usblp_check_status` reads the same three.
/** Paper Empty, active high. */
export const PORT_STATUS_PAPER_EMPTY = 0x20;
/** Select (on-line), active high. */
export const PORT_STATUS_SELECT = 0x10;
/** Not Error, active LOW: the bit is set when there is no error. */
export const PORT_STATUS_NOT_ERROR = 0x08;

/** Decodes the one-byte GET_PORT_STATUS reply; extra bytes (seen on some bridges) are ignored. */
export function decodePortStatus(bytes: Uint8Array): Decoded<PortStatus> {
  if (bytes.length < 1) return unreadable('GET_PORT_STATUS reply is empty; one status byte was expected');
  const status = bytes[0]!;
  return decoded({
    paperEmpty: (status & PORT_STATUS_PAPER_EMPTY) !== 0,
    online: (status & PORT_STATUS_SELECT) !== 0,
    error: (status & PORT_STATUS_NOT_ERROR) === 0,
  });
}

/** Encodes a PortStatus back into the status byte (for simulated printers and tests). */
export function encodePortStatus(status: PortStatus): number {
  return (
    (status.paperEmpty ? PORT_STATUS_PAPER_EMPTY : 0) |
    (status.online ? PORT_STATUS_SELECT : 0) |
    (status.error ? 0 : PORT_STATUS_NOT_ERROR)
  );
}

/**
 * Conditions in the IPP printer-state-reasons vocabulary. A printer out of paper or off-line also
 * drops Not Error, so the bare `other` error is only reported when neither explains it.
 */
export function portStatusConditions(status: PortStatus): DeviceCondition[] {
  const conditions: DeviceCondition[] = [];
  if (status.paperEmpty) conditions.push({ code: 'media-empty', severity: 'error', message: 'Paper out: load paper into the tray' });
  if (!status.online)
    conditions.push({
      code: 'offline',
      severity: 'error',
      message: 'Printer is off-line: check its display, or press its on-line or power button',
    });
  if (status.error && conditions.length === 0) {
    conditions.push({ code: 'other', severity: 'error', message: 'The printer reports an error: check its display or lights' });
  }
  return conditions;
}
