import type { CampaignGoal, Manifest, ManifestMessage } from '../../common/messages/index.js';
import type { DeviceSnapshot } from '../../common/device.js';
import type { ReplacementWatch } from '../roi/replacement.js';
import type { CampaignLedger, Ledger } from './ledger.js';
import { ruleColorOf } from './targeting.js';
import { selected } from './triggers.js';

/**
 * Goal-based expiry: which campaigns a reached goal stops. A reorder nudge (goal `supply-replaced`)
 * stops once the device reports the supply one of its supply triggers names replaced; a survey
 * (goal `answered`) once the owner answered it. Only campaigns this install was exposed to (shown,
 * or withheld from a holdout or control install) are stopped: the others have not started.
 */

/** Something that may reach a campaign's goal. */
export type GoalEvent = { goal: 'supply-replaced'; supply: SuppliedBy } | { goal: 'answered'; campaignId: string };

/** A supply as triggers select it: its kind and its colour's name in lower case (core/messages/targeting.ts), null without one. */
export interface SuppliedBy {
  kind: string;
  color: string | null;
}

/** True when one of the message's supply triggers names this supply (a trigger without a selector names every supply). */
function namesSupply(message: ManifestMessage, supply: SuppliedBy): boolean {
  return message.triggers.some(
    (trigger) => (trigger.type === 'supply-below' || trigger.type === 'supply-runout') && selected(supply, trigger.supply),
  );
}

/** The campaigns the event reaches the goal of (not yet reached, exposed on this install). Pure. */
export function campaignsReaching(
  event: GoalEvent,
  manifest: Manifest,
  campaign: (campaignId: string) => CampaignLedger | undefined,
): { campaignId: string; goal: CampaignGoal }[] {
  return manifest.messages.flatMap((message) => {
    if (message.goal !== event.goal) return [];
    const entry = campaign(message.campaignId);
    if (entry === undefined || entry.goalReachedAt !== undefined) return [];
    if (entry.deliveries.length === 0 && (entry.withheld?.length ?? 0) === 0) return [];
    const reached = event.goal === 'answered' ? event.campaignId === message.campaignId : namesSupply(message, event.supply);
    return reached ? [{ campaignId: message.campaignId, goal: message.goal }] : [];
  });
}

/** Records each campaign the event reaches the goal of in the ledger; delivery skips it from now on. */
export function recordGoals(
  event: GoalEvent,
  parts: { manifest: Manifest | undefined; ledger: Pick<Ledger, 'campaign' | 'append'>; now: number; log: (message: string) => void },
): void {
  if (parts.manifest === undefined) return;
  for (const { campaignId, goal } of campaignsReaching(event, parts.manifest, (id) => parts.ledger.campaign(id))) {
    void parts.ledger.append({ type: 'goal', at: parts.now, campaignId, goal });
    parts.log(`messages: ${campaignId} reached its goal (${goal}); it stops on this install`);
  }
}

/** A `supply-replaced` goal event for each supply the devices' levels say was replaced since the last snapshot. */
export function supplyReplacedEvents(watch: ReplacementWatch, snapshots: readonly DeviceSnapshot[], now: number): GoalEvent[] {
  return snapshots.flatMap((snapshot) =>
    watch
      .observe(snapshot, now)
      .map(({ supply }) => ({ goal: 'supply-replaced' as const, supply: { kind: supply.kind, color: ruleColorOf(supply) } })),
  );
}
