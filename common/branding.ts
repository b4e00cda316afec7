import { z } from 'zod';
import { StringOverlaysSchema } from './l10n/overlay.js';
import { LocaleTagSchema } from './messages/content.js';
import { SlugSchema } from './messages/vocabulary.js';
import { fieldIssues } from './messages/issues.js';
import { UpdateChannelSchema } from './updates.js';

/**
 * The OEM's branding config (DESIGN.md, OEM bundling): validated at start, a bad field is named.
 * This file holds the parts the message engine needs; the bundling work extends it (icons, colours).
 */

/** A backend URL: https, or http only on loopback (the reference server during development and tests). */
export const BackendUrlSchema = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.username !== '' || url.password !== '') return false;
      if (url.protocol === 'https:') return true;
      return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    } catch {
      return false;
    }
  }, 'Use an https:// URL (http:// only for 127.0.0.1 or localhost), without user name or password.');

/** A pinned Ed25519 public key: base64 of the raw 32 bytes, as GET /v1/signing-key returns it. */
export const PublicKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9+/]{43}=$/,
    'Paste the base64 of the raw 32-byte Ed25519 public key (44 characters ending in "="), as GET /v1/signing-key shows it.',
  );

/** A host name on an allow-list: lowercase, no scheme, no port (`store.example.com`). */
export const AllowedHostSchema = z
  .string()
  .regex(
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
    'Write a bare lowercase host name such as "store.example.com" (no https://, no port, no path).',
  );

/** The placeholders a store URL template may use; each value is percent-encoded before it is put in. */
export const STORE_URL_PLACEHOLDERS = ['part', 'quantity', 'locale', 'campaign', 'ref', 'items'] as const;

/**
 * A store URL template: `https://shop.example.com/{locale}/cart/add?sku={part}&qty={quantity}`.
 * Placeholders may appear only after the host (in the path, query or fragment), so no value can
 * change where the link goes; the host must be on `store.allowedHosts`.
 */
export const StoreUrlTemplateSchema = z
  .string()
  .max(2000)
  .superRefine((template, ctx) => {
    for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
      if (!(STORE_URL_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `Unknown placeholder "{${match[1]}}"; use ${STORE_URL_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}.`,
        });
      }
    }
    const origin = /^https:\/\/[^/?#{}]+[/?#]/.exec(template);
    if (origin === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'Start with https://host/ and put placeholders only after the host (e.g. "https://shop.example.com/cart?sku={part}").',
      });
      return;
    }
    try {
      const url = new URL(origin[0]);
      if (url.username !== '' || url.password !== '' || url.port !== '')
        ctx.addIssue({ code: 'custom', message: 'No user name, password or port in a store URL.' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Not a valid https URL.' });
    }
  });

/** How to build store links in one region (ISO 3166-1 alpha-2, e.g. `DE`). */
export const StoreRegionSchema = z.strictObject({
  /** One supply: uses {part} and {quantity}. */
  urlTemplate: StoreUrlTemplateSchema,
  /** Several supplies at once: uses {items}, each item written with `cartItemTemplate` and joined by `cartItemSeparator`. */
  cartUrlTemplate: StoreUrlTemplateSchema.optional(),
  cartItemTemplate: z
    .string()
    .max(200)
    .regex(/^([A-Za-z0-9,;|+~*.:_-]|\{part\}|\{quantity\})+$/, 'Use {part}, {quantity}, letters, digits and , ; | + ~ * . : _ - only.')
    .default('{part}:{quantity}'),
  cartItemSeparator: z
    .string()
    .regex(/^[,;|+~*.:_-]{1,3}$/, 'Use 1–3 of , ; | + ~ * . : _ -')
    .default(','),
  /** The store's locale for this region (`de-DE`). */
  locale: LocaleTagSchema,
});
export type StoreRegion = z.infer<typeof StoreRegionSchema>;

/** The OEM's online store: templates per region and the only hosts a reorder may open. */
export const StoreConfigSchema = z
  .strictObject({
    regions: z.record(
      z.string().regex(/^[A-Z]{2}$/, 'Region keys are uppercase ISO 3166-1 alpha-2 codes such as "DE".'),
      StoreRegionSchema,
    ),
    /** Used when the owner's region has no entry. */
    defaultRegion: z.string().regex(/^[A-Z]{2}$/),
    allowedHosts: z.array(AllowedHostSchema).min(1).max(32),
  })
  .superRefine((store, ctx) => {
    if (!(store.defaultRegion in store.regions))
      ctx.addIssue({ code: 'custom', path: ['defaultRegion'], message: `"${store.defaultRegion}" has no entry in store.regions.` });
    for (const [region, entry] of Object.entries(store.regions)) {
      for (const key of ['urlTemplate', 'cartUrlTemplate'] as const) {
        const template = entry[key];
        if (template === undefined) continue;
        const host = /^https:\/\/([^/?#{}:]+)/.exec(template)?.[1]?.toLowerCase();
        if (host !== undefined && !store.allowedHosts.includes(host)) {
          ctx.addIssue({ code: 'custom', path: ['regions', region, key], message: `The host "${host}" is not in store.allowedHosts.` });
        }
      }
    }
  });
export type StoreConfig = z.infer<typeof StoreConfigSchema>;

/**
 * Where updates come from and who may sign them (common/updates.ts). The metadata is signed with a
 * dedicated update key, not the manifest key: a manifest key lives on every backend node, and one
 * leaked there must not be able to ship code to every install.
 */
export const UpdatesConfigSchema = z.strictObject({
  /** Base URL of the update feed; the signed release is at `{feedUrl}/v1/updates/{channel}`. */
  feedUrl: BackendUrlSchema,
  /**
   * Public keys that may sign update metadata, current first. Rotation: ship a build that lists
   * the old and the new key, publish with the new key once that build is everywhere, then drop
   * the old key in a later build.
   */
  publicKeys: z.array(PublicKeySchema).min(1).max(4),
  /** The channel an install follows unless the owner or a policy says otherwise. */
  channel: UpdateChannelSchema.default('stable'),
});
export type UpdatesConfig = z.infer<typeof UpdatesConfigSchema>;

/** The branding config. Strict: a misspelt field (`vendorID`) is named at start instead of silently ignored. */
export const BrandingSchema = z.strictObject({
  name: z.string().min(1).max(60),
  /** Base URL of the manufacturer's backend; manifests are at `{backendUrl}/v1/manifests/{productLine}/{locale}`. */
  backendUrl: BackendUrlSchema,
  /** Public keys that may sign manifests (more than one during a key rotation). */
  signingKeys: z.array(PublicKeySchema).min(1).max(4),
  /** Which product line's manifest this install asks for. */
  productLine: SlugSchema,
  /** The locale used when the owner's locale has no manifest. */
  defaultLocale: LocaleTagSchema.default('en'),
  /** USB vendor ids of the OEM's devices. */
  vendorIds: z.array(z.number().int().min(0).max(0xffff)).max(64).default([]),
  /** Hosts message links and open-url actions may open (https only). */
  allowedLinkHosts: z.array(AllowedHostSchema).max(64).default([]),
  /** Hosts message images may load from (https only); bundled assets need no entry. */
  allowedImageHosts: z.array(AllowedHostSchema).max(64).default([]),
  /** Reorder links; without it the app offers no reorder button. */
  store: StoreConfigSchema.optional(),
  /**
   * Where IT files this product's enterprise policy: `HKLM\Software\Policies\<vendor>\<product>` on
   * Windows, managed preferences for `bundleId` on macOS. Omitted: both names are the product
   * name and the bundle id is `com.<name>.app` (electron-builder's default).
   */
  policyNames: z
    .strictObject({
      vendor: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'Letters, digits, space, dot, dash and underscore only (a registry key name).'),
      product: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'Letters, digits, space, dot, dash and underscore only (a registry key name).'),
      bundleId: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9][A-Za-z0-9-]*)+$/, 'A reverse-DNS bundle id such as com.acme.printcare.')
        .max(155),
    })
    .optional(),
  /** Where "Get help" goes (https, allow-listed by being named here). */
  supportUrl: z.url({ protocol: /^https$/, message: 'Use an https:// URL.' }).optional(),
  /** Brand colours for the panel, as CSS hex. */
  colors: z
    .strictObject({
      primary: z.string().regex(/^#[0-9a-fA-F]{6}$/),
      accent: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/)
        .optional(),
    })
    .optional(),
  /** Auto-update; without it the app never looks for updates. */
  updates: UpdatesConfigSchema.optional(),
  /**
   * The OEM's own wording of some messages, per UI locale: `{ "en": { "tray.open": "Open {product} Care" } }`.
   * Only keys the app has, each with its base string's placeholders (a bad one is named at start).
   */
  strings: StringOverlaysSchema.optional(),
});
export type Branding = z.infer<typeof BrandingSchema>;
/** A branding config as written, before defaults. */
export type BrandingInput = z.input<typeof BrandingSchema>;

/** True when `url` is https on one of `hosts` (exact host match; no credentials). */
export function isAllowedHttpsUrl(url: string, hosts: readonly string[]): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.port === '' &&
      hosts.includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}

/** Parses a branding config; each problem names its field (`store.regions.DE.urlTemplate: …`) so the OEM knows what to fix. */
export function parseBranding(raw: unknown): { ok: true; branding: Branding } | { ok: false; problems: string[] } {
  const result = BrandingSchema.safeParse(raw);
  if (result.success) return { ok: true, branding: result.data };
  return { ok: false, problems: fieldIssues(result.error).map((issue) => `${issue.field}: ${issue.message}`) };
}
