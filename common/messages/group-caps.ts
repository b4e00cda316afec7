import type { CampaignInput, MessageGroup } from './campaign.js';
import type { FieldIssue } from './issues.js';

/**
 * The caps of a message group are the group's, not a campaign's: if two live campaigns named the
 * same group with different caps, which one would the app obey? So publishing checks a campaign's
 * group against every other live campaign of that group.
 */

const capsText = (group: MessageGroup): string =>
  `${group.maxPerDay} a day${group.maxPerWeek !== undefined ? ` and ${group.maxPerWeek} a week` : ''}`;

/** Issues (field `group`) when a live campaign other than `id` gives the same group other caps; none otherwise. */
export function checkGroupCaps(
  id: string,
  campaign: Pick<CampaignInput, 'group'>,
  live: readonly { id: string; campaign: Pick<CampaignInput, 'group'> }[],
): FieldIssue[] {
  const group = campaign.group;
  if (group === undefined) return [];
  const other = live.find(
    (entry) =>
      entry.id !== id &&
      entry.campaign.group?.id === group.id &&
      (entry.campaign.group.maxPerDay !== group.maxPerDay || entry.campaign.group.maxPerWeek !== group.maxPerWeek),
  );
  if (other === undefined || other.campaign.group === undefined) return [];
  return [
    {
      field: 'group',
      message: `Group "${group.id}" allows ${capsText(other.campaign.group)} in the live campaign "${other.id}", but ${capsText(group)} here; give every campaign of a group the same caps.`,
    },
  ];
}
