import type { Arm } from '../../common/events.js';
import type { Holdout } from '../../common/messages/manifest.js';
import { unitHash } from '../stable-hash.js';

/**
 * Holdout and control assignment. An install's place comes from a salted SHA-256 of its install
 * id: the salt is in the signed manifest, so every server node and every poll give the same answer,
 * and a new salt (a new experiment period) reshuffles everyone at once. Assignment needs no consent:
 * it only decides what is shown; what is measured goes through the event consent gate.
 */

/** Whether an install is in the global holdout (sees no campaign at all). */
export function inGlobalHoldout(installId: string, holdout: Holdout | undefined): boolean {
  return holdout !== undefined && holdout.share > 0 && unitHash(`${holdout.salt}:holdout:${installId}`) < holdout.share;
}

/**
 * The arm of an install for one campaign: the global holdout first, then the campaign's control
 * group (hashed with the campaign id, so control groups of different campaigns are independent).
 */
export function armFor(installId: string, campaignId: string, holdout: Holdout | undefined, controlShare: number | undefined): Arm {
  if (inGlobalHoldout(installId, holdout)) return 'holdout';
  const salt = holdout?.salt ?? 'no-global-holdout';
  if (controlShare !== undefined && controlShare > 0 && unitHash(`${salt}:control:${campaignId}:${installId}`) < controlShare)
    return 'control';
  return 'treated';
}
