import type { StoreConfig, StoreRegion } from '../../common/branding.js';
import type { DeviceSnapshot } from '../../common/device.js';
import type { ReorderItem } from '../../common/events.js';
import { lowestSupply, type Supply } from '../../common/supply.js';

/** Opens a URL outside the app: Electron's shell.openExternal in the shell, a URL log in the Node host. */
export type OpenExternal = (url: string) => Promise<void>;

/** Either a URL that may be opened, or the reason it may not, in words the owner reads. */
export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * The one gate every outgoing link passes. The WHATWG URL parser (the browser's own) decides what
 * the host is, so tricks that fool string checks — `https://shop.example.com@evil.io/`,
 * `https://shop.example.com.evil.io/`, a Cyrillic "о" (parsed to punycode `xn--…`), a trailing
 * dot, a backslash — all end up with a host that is not on the list. The match is exact: no
 * subdomains, no ports, no credentials.
 */
export function checkOpenableUrl(raw: string, allowedHosts: readonly string[]): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'The link is not a valid web address, so Trayside did not open it.' };
  }
  if (url.protocol !== 'https:')
    return { ok: false, reason: `Only secure https links are opened; this one is ${url.protocol.replace(/:$/, '')}.` };
  if (url.username !== '' || url.password !== '')
    return { ok: false, reason: 'The link carries a user name or password, so Trayside did not open it.' };
  if (url.port !== '') return { ok: false, reason: `The link uses a special port (${url.port}), so Trayside did not open it.` };
  if (!allowedHosts.includes(url.hostname)) {
    return { ok: false, reason: `${displayHost(url.hostname)} is not one of the manufacturer's stores, so Trayside did not open it.` };
  }
  return { ok: true, url: url.href };
}

/** Shows punycode hosts as punycode: a homograph shown decoded would look exactly like the real store. */
function displayHost(hostname: string): string {
  return hostname.length > 80 ? `${hostname.slice(0, 77)}…` : hostname;
}

/** The values a store URL is built from. */
export interface StoreLinkInput {
  /** The owner's region (ISO 3166-1 alpha-2); unknown or unlisted regions use the store's default. */
  region: string | null;
  items: readonly ReorderItem[];
  /** Campaign id for the store's attribution (`utm_campaign`), or "" outside a campaign. */
  campaign: string;
  /** Random reference the store reports back with a conversion. */
  ref: string;
}

/** The region whose template applies. */
export function storeRegion(store: StoreConfig, region: string | null): { code: string; entry: StoreRegion } {
  const code = region !== null && region in store.regions ? region : store.defaultRegion;
  return { code, entry: store.regions[code]! };
}

/** Replaces `{name}` placeholders; every value is percent-encoded so it can never add a path, query or host. */
function fill(template: string, values: Record<string, string>, encode = true): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return encode ? encodeURIComponent(value) : value;
  });
}

/**
 * Builds the store URL for one supply or, with several items, the cart URL. The result is
 * checked by `checkOpenableUrl` like any other link, so a bad template cannot open a foreign host.
 */
export function buildStoreUrl(store: StoreConfig, input: StoreLinkInput): UrlCheck {
  if (input.items.length === 0) return { ok: false, reason: 'The cart is empty.' };
  // encodeURIComponent leaves "." alone and the URL parser treats "."/".." (even as %2E) as dot
  // segments, so such a "part number" in a path placeholder would move the link up the store's path.
  const dotted = input.items.find((item) => item.partNumber === '.' || item.partNumber === '..');
  if (dotted !== undefined)
    return { ok: false, reason: `"${dotted.partNumber}" is not a part number, so Trayside did not build a store link for it.` };
  const { entry } = storeRegion(store, input.region);
  const shared = { locale: entry.locale, campaign: input.campaign, ref: input.ref };
  let url: string;
  if (input.items.length === 1) {
    const [item] = input.items;
    url = fill(entry.urlTemplate, { ...shared, part: item!.partNumber, quantity: String(item!.quantity) });
  } else {
    if (entry.cartUrlTemplate === undefined)
      return { ok: false, reason: 'This store cannot take several supplies in one order; reorder them one by one.' };
    // Each value is encoded inside its item template, then the joined list goes in as is: the item
    // syntax and separators are limited by the schema to characters that need no encoding.
    const items = input.items
      .map((item) => fill(entry.cartItemTemplate, { part: item.partNumber, quantity: String(item.quantity) }))
      .join(entry.cartItemSeparator);
    url = fill(fill(entry.cartUrlTemplate, shared), { items }, false);
  }
  return checkOpenableUrl(url, store.allowedHosts);
}

/** What a reorder action names: a part number wins; else a supply colour; else the device's lowest supply. */
export interface SupplySelector {
  partNumber?: string | undefined;
  supplyColor?: string | undefined;
  supplyId?: string | undefined;
}

/** The supply a reorder is for, or why it cannot be found. */
export type ResolvedPart = { ok: true; partNumber: string; supplyName: string | null } | { ok: false; reason: string };

/** Finds the exact part to reorder on the device the message is about. */
export function resolveReorderPart(selector: SupplySelector, device: DeviceSnapshot | undefined): ResolvedPart {
  if (selector.partNumber !== undefined) {
    const supply = device?.supplies.find((candidate) => candidate.partNumber === selector.partNumber);
    return { ok: true, partNumber: selector.partNumber, supplyName: supply?.name ?? null };
  }
  if (device === undefined) return { ok: false, reason: 'No printer is attached, so Trayside cannot tell which supply to reorder.' };
  let supply: Supply | undefined;
  if (selector.supplyId !== undefined) supply = device.supplies.find((candidate) => candidate.id === selector.supplyId);
  else if (selector.supplyColor !== undefined) {
    const colour = selector.supplyColor.toLowerCase();
    supply = device.supplies.find((candidate) => candidate.color?.name.toLowerCase() === colour && candidate.role === 'consumable');
  } else supply = lowestSupply(device.supplies.filter((candidate) => candidate.partNumber !== undefined));
  if (supply === undefined)
    return { ok: false, reason: `${device.identity.model} has no ${selector.supplyColor ?? selector.supplyId ?? 'supply'} to reorder.` };
  if (supply.partNumber === undefined)
    return {
      ok: false,
      reason: `${device.identity.model} does not report the part number of its ${supply.name}; look it up in the printer's manual.`,
    };
  return { ok: true, partNumber: supply.partNumber, supplyName: supply.name };
}
