import { NO_SHARING_NOTE, type CampaignStats, type QuestionStats, type VariantStats } from '../../common/analytics.js';
import { DeviceEventSchema } from '../../common/events.js';
import type { CampaignInput } from '../../common/messages/index.js';
import type { EventCounts, StoredEvent } from '../store/analytics-store.js';
import { buildOutcomeStats, WITHHELD_VARIANTS } from './outcomes.js';

/** Free-text answers kept per question and comments per variant. */
const LATEST_TEXT = 20;
const OTHER = '(other)';

/** Survey questions of a campaign by id, from any variant's default-locale content. */
function surveyQuestions(campaign: CampaignInput | undefined): Map<string, { text: string; choices: readonly string[] | undefined }> {
  const questions = new Map<string, { text: string; choices: readonly string[] | undefined }>();
  for (const variant of campaign?.variants ?? []) {
    const content = variant.content[campaign!.defaultLocale] ?? Object.values(variant.content)[0];
    for (const action of content?.actions ?? []) {
      if (action.type !== 'feedback' || action.questions === undefined) continue;
      for (const question of action.questions)
        if (!questions.has(question.id)) questions.set(question.id, { text: question.text, choices: question.choices });
    }
  }
  return questions;
}

function emptyVariant(variantId: string, weightShare: number | null): VariantStats {
  return {
    variantId,
    weightShare,
    impressions: 0,
    reach: 0,
    uniqueOpens: 0,
    clicks: 0,
    clickThroughRate: null,
    dismissals: 0,
    snoozes: 0,
    reorders: 0,
    reorderedItems: 0,
    conversions: 0,
    thumbs: { up: 0, down: 0 },
    ratings: { count: 0, average: null, distribution: [0, 0, 0, 0, 0] },
    questions: [],
    latestComments: [],
  };
}

/**
 * Builds a campaign's report from per-type counts and the detail events (newest first). Unique
 * opens and click-through count installs, not events: one owner opening a message five times is
 * one open. Click-through over all variants needs installs across variants, which an install
 * never crosses (its variant is fixed by common/messages/variant.ts), so the per-variant sums add up.
 */
export function buildCampaignStats(
  campaignId: string,
  campaign: CampaignInput | undefined,
  allCounts: readonly EventCounts[],
  details: readonly StoredEvent[],
  now: Date,
  sharing: { installs: number; since: Date | null } = { installs: 0, since: null },
): CampaignStats {
  const liveVariants = campaign?.variants ?? [];
  // Holdout and control installs saw nothing: they appear in `outcomes` only.
  const outcomes = buildOutcomeStats(
    allCounts,
    liveVariants.map((live) => live.id),
  );
  const counts = allCounts.filter((row) => !WITHHELD_VARIANTS.includes(row.variantId));
  const totalWeight = liveVariants.reduce((sum, variant) => sum + variant.weight, 0);
  const variants = new Map<string, VariantStats>();
  const questionMeta = surveyQuestions(campaign);
  const questionStats = new Map<string, Map<string, QuestionStats>>();
  const variant = (id: string): VariantStats => {
    let entry = variants.get(id);
    if (entry === undefined) {
      const live = liveVariants.find((candidate) => candidate.id === id);
      entry = emptyVariant(id, live !== undefined && totalWeight > 0 ? live.weight / totalWeight : null);
      variants.set(id, entry);
    }
    return entry;
  };
  for (const live of liveVariants) variant(live.id);
  const clickInstalls = new Map(counts.filter((row) => row.type === 'click').map((row) => [row.variantId, row.installs]));

  for (const row of counts) {
    const entry = variant(row.variantId);
    switch (row.type) {
      case 'impression':
        entry.impressions = row.count;
        entry.reach = row.installs;
        break;
      case 'open':
        entry.uniqueOpens = row.installs;
        break;
      case 'click':
        entry.clicks = row.count;
        break;
      case 'dismiss':
        entry.dismissals = row.count;
        break;
      case 'snooze':
        entry.snoozes = row.count;
        break;
      case 'reorder':
        entry.reorders = row.count;
        break;
      case 'conversion':
        entry.conversions = row.count;
        break;
      default:
        break;
    }
  }

  const ratingSum = new Map<string, number>();
  for (const stored of details) {
    const parsed = DeviceEventSchema.safeParse(JSON.parse(stored.body));
    if (!parsed.success) continue;
    const event = parsed.data;
    const entry = variant(stored.variantId);
    if (event.type === 'reorder') entry.reorderedItems += event.items.reduce((sum, item) => sum + item.quantity, 0);
    if (event.type !== 'feedback') continue;
    const feedback = event.feedback;
    switch (feedback.kind) {
      case 'thumbs':
        entry.thumbs[feedback.value] += 1;
        break;
      case 'rating':
        entry.ratings.count += 1;
        entry.ratings.distribution[feedback.value - 1]! += 1;
        ratingSum.set(entry.variantId, (ratingSum.get(entry.variantId) ?? 0) + feedback.value);
        break;
      case 'text':
        if (entry.latestComments.length < LATEST_TEXT) entry.latestComments.push(feedback.text);
        break;
      case 'survey': {
        const perVariant = questionStats.get(entry.variantId) ?? new Map<string, QuestionStats>();
        questionStats.set(entry.variantId, perVariant);
        for (const [questionId, answer] of Object.entries(feedback.answers)) {
          const meta = questionMeta.get(questionId);
          let stats = perVariant.get(questionId);
          if (stats === undefined) {
            stats = {
              questionId,
              text: meta?.text ?? null,
              answers: 0,
              choices: (meta?.choices ?? []).map((choice) => ({ choice, count: 0 })),
              latestText: [],
            };
            perVariant.set(questionId, stats);
          }
          stats.answers += 1;
          if (meta?.choices === undefined) {
            const text = Array.isArray(answer) ? answer.join(', ') : answer;
            if (stats.latestText.length < LATEST_TEXT) stats.latestText.push(text);
            continue;
          }
          for (const choice of Array.isArray(answer) ? answer : [answer]) {
            const known =
              stats.choices.find((candidate) => candidate.choice === choice) ??
              stats.choices.find((candidate) => candidate.choice === OTHER);
            if (known !== undefined) known.count += 1;
            else stats.choices.push({ choice: OTHER, count: 1 });
          }
        }
        break;
      }
    }
  }

  for (const entry of variants.values()) {
    entry.clickThroughRate = entry.reach > 0 ? (clickInstalls.get(entry.variantId) ?? 0) / entry.reach : null;
    entry.ratings.average = entry.ratings.count > 0 ? (ratingSum.get(entry.variantId) ?? 0) / entry.ratings.count : null;
    entry.questions = [...(questionStats.get(entry.variantId)?.values() ?? [])];
  }

  const list = [...variants.values()].sort((a, b) => a.variantId.localeCompare(b.variantId));
  return {
    campaignId,
    generatedAt: now.toISOString(),
    sharing: {
      installs: sharing.installs,
      since: sharing.since?.toISOString() ?? null,
      note: sharing.installs === 0 ? NO_SHARING_NOTE : null,
    },
    total: sumVariants(list, clickInstalls),
    variants: list,
    outcomes,
  };
}

function sumVariants(list: readonly VariantStats[], clickInstalls: ReadonlyMap<string, number>): VariantStats {
  const total = emptyVariant('(all)', list.some((entry) => entry.weightShare !== null) ? 1 : null);
  let ratingSum = 0;
  let clickers = 0;
  const questions = new Map<string, QuestionStats>();
  for (const entry of list) {
    for (const key of [
      'impressions',
      'reach',
      'uniqueOpens',
      'clicks',
      'dismissals',
      'snoozes',
      'reorders',
      'reorderedItems',
      'conversions',
    ] as const)
      total[key] += entry[key];
    total.thumbs.up += entry.thumbs.up;
    total.thumbs.down += entry.thumbs.down;
    total.ratings.count += entry.ratings.count;
    ratingSum += (entry.ratings.average ?? 0) * entry.ratings.count;
    entry.ratings.distribution.forEach((count, index) => (total.ratings.distribution[index]! += count));
    total.latestComments.push(...entry.latestComments);
    clickers += clickInstalls.get(entry.variantId) ?? 0;
    for (const question of entry.questions) {
      const sum = questions.get(question.questionId) ?? {
        ...question,
        answers: 0,
        choices: question.choices.map((choice) => ({ choice: choice.choice, count: 0 })),
        latestText: [],
      };
      sum.answers += question.answers;
      for (const choice of question.choices) {
        const target = sum.choices.find((candidate) => candidate.choice === choice.choice);
        if (target !== undefined) target.count += choice.count;
        else sum.choices.push({ ...choice });
      }
      sum.latestText.push(...question.latestText);
      questions.set(question.questionId, sum);
    }
  }
  total.ratings.average = total.ratings.count > 0 ? ratingSum / total.ratings.count : null;
  total.clickThroughRate = total.reach > 0 ? clickers / total.reach : null;
  total.latestComments = total.latestComments.slice(0, LATEST_TEXT);
  total.questions = [...questions.values()].map((question) => ({ ...question, latestText: question.latestText.slice(0, LATEST_TEXT) }));
  return total;
}
