import { parseMarkdown, type InlineNode } from '../markdown.js';
import type { CampaignInput } from './campaign.js';
import { formatPath, type FieldIssue } from './issues.js';

/**
 * Links in a campaign against the branding's allow-lists. The panel shows an open-url button
 * or a body link only when it is https on `allowedLinkHosts` (renderer inbox.tsx,
 * message-body.tsx) and an image only on `allowedImageHosts`; anything else is dropped or shown
 * as plain text on every install that gets that variant. Checking before publishing turns that
 * silent loss into an error that names the field.
 */

/** The allow-lists of a branding config (common/branding.ts) that decide what the panel shows. */
export interface LinkPolicy {
  allowedLinkHosts: readonly string[];
  allowedImageHosts: readonly string[];
}

/** One link a campaign's content carries. */
export interface CampaignLink {
  /** Where it is written: `variants[1].content.de.actions[0].url`, `….body`, `….image.url`. */
  field: string;
  kind: 'button' | 'body link' | 'image';
  /** The button label or link text, for the message. */
  label: string;
  url: string;
  variantId: string;
  locale: string;
}

/** `[text](url)` written in a body, even with a relative URL the parser leaves as text (`[x](/path)`). */
const MARKDOWN_LINK = /\[([^\]\n]{1,300})\]\(([^\s()]{1,2000})\)/g;

function inlineLinks(nodes: readonly InlineNode[], out: { label: string; url: string }[]): void {
  for (const node of nodes) {
    if (node.type === 'link') out.push({ label: inlineText(node.children), url: node.href });
    else if (node.type === 'bold' || node.type === 'italic') inlineLinks(node.children, out);
  }
}

function inlineText(nodes: readonly InlineNode[]): string {
  return nodes.map((node) => (node.type === 'text' ? node.text : node.type === 'break' ? ' ' : inlineText(node.children))).join('');
}

/** The Markdown links of a body: what the renderer parses as links (any scheme), plus relative ones it shows as raw text. */
export function bodyLinks(body: string): { label: string; url: string }[] {
  const parsed: { label: string; url: string }[] = [];
  for (const block of parseMarkdown(body)) {
    if (block.type === 'paragraph') inlineLinks(block.children, parsed);
    else for (const item of block.items) inlineLinks(item, parsed);
  }
  const seen = new Set(parsed.map((link) => link.url));
  for (const match of body.matchAll(MARKDOWN_LINK)) {
    if (!seen.has(match[2]!)) parsed.push({ label: match[1]!, url: match[2]! });
  }
  return parsed;
}

/** Every button URL, body link and image of every variant and locale. */
export function campaignLinks(campaign: CampaignInput): CampaignLink[] {
  const links: CampaignLink[] = [];
  campaign.variants.forEach((variant, variantIndex) => {
    for (const [locale, content] of Object.entries(variant.content)) {
      const at = (...rest: (string | number)[]): string => formatPath(['variants', variantIndex, 'content', locale, ...rest]);
      const where = { variantId: variant.id, locale };
      content.actions.forEach((action, actionIndex) => {
        if (action.type === 'open-url')
          links.push({ field: at('actions', actionIndex, 'url'), kind: 'button', label: action.label, url: action.url, ...where });
      });
      for (const link of bodyLinks(content.body)) links.push({ field: at('body'), kind: 'body link', ...link, ...where });
      if (content.image !== undefined)
        links.push({ field: at('image', 'url'), kind: 'image', label: content.image.alt, url: content.image.url, ...where });
    }
  });
  // A guide's links and pictures pass the same allow-lists in the app (core/messages/guides-view.ts).
  for (const [locale, content] of Object.entries(campaign.guide?.content ?? {})) {
    const at = (...rest: (string | number)[]): string => formatPath(['guide', 'content', locale, ...rest]);
    const where = { variantId: 'guide', locale };
    for (const link of bodyLinks(content.summary ?? '')) links.push({ field: at('summary'), kind: 'body link', ...link, ...where });
    content.steps.forEach((step, stepIndex) => {
      for (const link of bodyLinks(step.text)) links.push({ field: at('steps', stepIndex, 'text'), kind: 'body link', ...link, ...where });
      if (step.image?.url !== undefined)
        links.push({ field: at('steps', stepIndex, 'image', 'url'), kind: 'image', label: step.image.alt, url: step.image.url, ...where });
    });
  }
  return links;
}

/** Why the panel would not show this URL, or undefined when it would. */
function refusal(url: string, hosts: readonly string[], listName: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not an absolute URL';
  }
  if (parsed.protocol !== 'https:') return `it is ${parsed.protocol.replace(/:$/, '')}, and only https links are shown`;
  if (parsed.username !== '' || parsed.password !== '') return 'it carries a user name or password';
  if (parsed.port !== '') return `it names a port (${parsed.port})`;
  if (!hosts.includes(parsed.hostname)) {
    return `its host "${parsed.hostname}" is not on the branding's ${listName} (${hosts.length === 0 ? 'the list is empty' : `allowed: ${hosts.join(', ')}`})`;
  }
  return undefined;
}

const CONSEQUENCE: Record<CampaignLink['kind'], string> = {
  button: 'the app would drop this button',
  'body link': 'the app would show it as plain text',
  image: 'the app would not show this image',
};

/** One issue per link the panel would not show, naming the field, variant, locale, host and what is allowed. */
export function checkCampaignLinks(campaign: CampaignInput, policy: LinkPolicy): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const link of campaignLinks(campaign)) {
    const why =
      link.kind === 'image'
        ? refusal(link.url, policy.allowedImageHosts, 'allowedImageHosts')
        : refusal(link.url, policy.allowedLinkHosts, 'allowedLinkHosts');
    if (why === undefined) continue;
    issues.push({
      field: link.field,
      message: `The ${link.kind} "${link.label}" (variant "${link.variantId}", locale ${link.locale}) goes to ${link.url}, but ${why}; ${CONSEQUENCE[link.kind]}.`,
    });
  }
  return issues;
}

/** What to say when links cannot be checked (no branding known): one line per host, so the admin can check them. */
export function uncheckedLinkWarnings(campaign: CampaignInput): FieldIssue[] {
  const byHost = new Map<string, { fields: string[]; kind: CampaignLink['kind'] }>();
  for (const link of campaignLinks(campaign)) {
    let host: string;
    try {
      host = new URL(link.url).hostname;
    } catch {
      host = link.url;
    }
    const key = `${link.kind === 'image' ? 'image' : 'link'} ${host}`;
    const entry = byHost.get(key) ?? { fields: [], kind: link.kind };
    entry.fields.push(link.field);
    byHost.set(key, entry);
  }
  return [...byHost.entries()].map(([key, entry]) => {
    const [kind, host] = key.split(' ') as [string, string];
    const list = kind === 'image' ? 'allowedImageHosts' : 'allowedLinkHosts';
    return {
      field: entry.fields[0]!,
      message: `Not checked: this server does not know the branding, so make sure "${host}" is on its ${list}${entry.fields.length > 1 ? ` (${entry.fields.length} places)` : ''}, or the app drops these ${kind}s; \`npm run admin -- validate --branding FILE\` checks them.`,
    };
  });
}
