import { randomUUID } from 'node:crypto';
import type { Branding } from '../../common/branding.js';
import type { ActionSource, Cart, LinkResult } from '../../common/contract/actions.js';
import { TraysideError, type TraysideHandlers } from '../../common/contract/index.js';
import type { DeviceSnapshot } from '../../common/device.js';
import type { DeviceEventDraft } from '../../common/events.js';
import { checkFeedback, type FeedbackDraft } from '../../common/feedback.js';
import { Emitter, type Disposable } from '../../common/lifecycle.js';
import type { MessageAction } from '../../common/messages/index.js';
import type { EngagementService } from '../events/engagement.js';
import { createCart } from './cart.js';
import { buildStoreUrl, checkOpenableUrl, resolveReorderPart, storeRegion, type OpenExternal, type SupplySelector } from './reorder.js';

/** What the actions need from the rest of the core. */
export interface ActionsServiceOptions {
  branding: Branding | null;
  devices: { snapshots(): DeviceSnapshot[] };
  /** Resolves once the event queue is open. */
  engagement: Promise<EngagementService>;
  /** The actions of a message in the inbox, to check feedback against its survey. */
  findMessage: (messageId: string) => { campaignId: string; variantId: string; actions: readonly MessageAction[] } | undefined;
  /** The owner answered a campaign's feedback form (it may stop: goal-based expiry, core/messages/goals.ts). */
  answered?: (campaignId: string) => void;
  /** Electron's shell.openExternal in the shell; the URL log in the Node host. */
  openExternal: OpenExternal;
  /** The owner's region (ISO 3166-1 alpha-2) or null. */
  region: () => string | null;
  /** Reorder buttons and store links (settings.storeLinks, with the policy applied); omitted: on. */
  storeLinks?: () => boolean;
  /** Fires when a setting changed, so the cart view can say storeLinks again; omitted: never. */
  onSettingsChanged?: (listener: () => void) => Disposable;
  log: (message: string) => void;
}

/** The `actions` feature of the contract, plus the cart's change event. */
export interface ActionsService extends Disposable {
  readonly handlers: TraysideHandlers['actions'];
  onCartChanged(listener: (cart: Cart) => void): Disposable;
}

/**
 * The core's own check of the owner's "Reorder buttons and store links" choice: the panel hides them
 * when it is off, and a call that opens or fills a store anyway (the renderer is not trusted) is refused.
 */
export function storeLinksGate(options: Pick<ActionsServiceOptions, 'storeLinks' | 'branding'>) {
  const on = (): boolean => options.storeLinks?.() ?? true;
  const hosts = options.branding?.store?.allowedHosts ?? [];
  return {
    on,
    hosts,
    /** Throws `forbidden`, naming the setting, while it is off. */
    require(what: string): void {
      if (on()) return;
      throw new TraysideError(
        'forbidden',
        `Reorder buttons and store links are turned off in Preferences ("Reorder buttons and store links", setting storeLinks), so Trayside did not ${what}.`,
      );
    },
    /** Whether a URL goes to one of the store's hosts. */
    isStoreUrl(url: string): boolean {
      try {
        return hosts.includes(new URL(url).hostname);
      } catch {
        return false;
      }
    },
  };
}

/** Reorder, cart, links and feedback, with their engagement events. */
export function createActionsService(options: ActionsServiceOptions): ActionsService {
  const store = options.branding?.store;
  const cart = createCart();
  const cartChanged = new Emitter<Cart>();
  const gate = storeLinksGate(options);

  const cartView = (): Cart => ({
    items: cart.items(),
    storeConfigured: store !== undefined,
    multiItemCheckout: store !== undefined && storeRegion(store, options.region()).entry.cartUrlTemplate !== undefined,
    storeLinks: gate.on(),
    storeHosts: [...gate.hosts],
  });
  const publishCart = (): Cart => {
    const view = cartView();
    cartChanged.fire(view);
    return view;
  };
  let storeLinksBefore = gate.on();
  const settingsFollow = options.onSettingsChanged?.(() => {
    if (gate.on() === storeLinksBefore) return;
    storeLinksBefore = gate.on();
    publishCart();
  });

  const record = async (draft: DeviceEventDraft): Promise<boolean> => (await (await options.engagement).record(draft)).recorded;

  const resolve = (selector: SupplySelector & { deviceId?: string | undefined }): { partNumber: string; supplyName: string | null } => {
    const snapshots = options.devices.snapshots();
    const device = selector.deviceId !== undefined ? snapshots.find((snapshot) => snapshot.id === selector.deviceId) : snapshots[0];
    if (selector.deviceId !== undefined && device === undefined)
      throw new TraysideError('not-found', `No device with id "${selector.deviceId}" is attached.`);
    const part = resolveReorderPart(selector, device);
    if (!part.ok) throw new TraysideError('not-found', part.reason);
    return part;
  };

  const open = (check: ReturnType<typeof checkOpenableUrl>): Promise<LinkResult> => openChecked(options, check);

  const reorder = async (items: { partNumber: string; quantity: number }[], source: ActionSource | null): Promise<LinkResult> => {
    if (store === undefined) return { status: 'refused', reason: 'This app has no store configured for reorders.' };
    const ref = randomUUID();
    const region = storeRegion(store, options.region()).code;
    const result = await open(buildStoreUrl(store, { region, items, campaign: source?.campaignId ?? '', ref }));
    // A reorder outside a campaign has nothing to attribute it to; stats are per campaign.
    if (result.status === 'opened' && source !== null) {
      await record({
        type: 'reorder',
        campaignId: source.campaignId,
        variantId: source.variantId,
        ...(source.messageId ? { messageId: source.messageId } : {}),
        items,
        region,
        ref,
      });
    }
    return result;
  };

  const handlers: TraysideHandlers['actions'] = {
    reorder: async ({ quantity, source, ...selector }) => {
      gate.require('open the store');
      const part = resolve(selector);
      return reorder([{ partNumber: part.partNumber, quantity }], source ?? null);
    },
    openLink: async ({ url, source }) => {
      if (gate.isStoreUrl(url)) gate.require('open this store link');
      const hosts = [...(options.branding?.allowedLinkHosts ?? []), ...(store?.allowedHosts ?? [])];
      const result = await open(checkOpenableUrl(url, hosts));
      if (result.status === 'opened' && source !== undefined) {
        await record({ type: 'click', ...sourceFields(source), action: 'open-url', host: new URL(result.url).hostname });
      }
      return result;
    },
    getCart: async () => cartView(),
    addToCart: async ({ quantity, source, ...selector }) => {
      gate.require('add it to the cart');
      const part = resolve(selector);
      const problem = cart.add({ partNumber: part.partNumber, quantity, supplyName: part.supplyName, source: source ?? null });
      if (problem !== undefined) throw new TraysideError('invalid-input', problem);
      return publishCart();
    },
    setCartQuantity: async ({ partNumber, quantity }) => {
      if (!cart.setQuantity(partNumber, quantity)) throw new TraysideError('not-found', `${partNumber} is not in the cart.`);
      return publishCart();
    },
    checkoutCart: async () => {
      gate.require("open the store's cart");
      const items = cart.items();
      if (items.length === 0) return { status: 'refused', reason: 'The cart is empty.' };
      // One order is attributed to the campaign that put the first item in the cart.
      const source = items.find((item) => item.source !== null)?.source ?? null;
      const result = await reorder(
        items.map(({ partNumber, quantity }) => ({ partNumber, quantity })),
        source,
      );
      if (result.status === 'opened') {
        cart.clear();
        publishCart();
      }
      return result;
    },
    submitFeedback: async ({ source, actionIndex, feedback }) => {
      const message = source.messageId !== undefined ? options.findMessage(source.messageId) : undefined;
      const action = message?.actions[actionIndex];
      if (message === undefined || action === undefined || action.type !== 'feedback' || message.campaignId !== source.campaignId) {
        throw new TraysideError('not-found', 'This message is no longer in the inbox, so its feedback form cannot be checked.');
      }
      const check = checkFeedback(action, feedback as FeedbackDraft);
      if (!check.ok) return { status: 'invalid', errors: check.errors };
      const queued = await record({
        type: 'feedback',
        campaignId: source.campaignId,
        variantId: message.variantId,
        ...(source.messageId ? { messageId: source.messageId } : {}),
        feedback: check.feedback,
      });
      // Answered even when consent keeps the event from being sent: the owner has had their say.
      options.answered?.(source.campaignId);
      return { status: 'recorded', feedback: check.feedback, queued };
    },
  };

  return {
    handlers,
    onCartChanged: (listener) => cartChanged.on(listener),
    dispose: () => settingsFollow?.dispose(),
  };
}

/** Opens a checked URL; a refusal is an answer the owner sees, not an error. */
async function openChecked(
  options: Pick<ActionsServiceOptions, 'log' | 'openExternal'>,
  check: ReturnType<typeof checkOpenableUrl>,
): Promise<LinkResult> {
  if (!check.ok) {
    options.log(`actions: refused to open a link: ${check.reason}`);
    return { status: 'refused', reason: check.reason };
  }
  await options.openExternal(check.url);
  return { status: 'opened', url: check.url };
}

function sourceFields(source: ActionSource) {
  return {
    campaignId: source.campaignId,
    variantId: source.variantId,
    ...(source.messageId ? { messageId: source.messageId } : {}),
  };
}
