import { z } from 'zod';
import { FeedbackSchema, ReorderItemSchema, SurveyAnswerSchema } from '../events.js';
import { MessageIdSchema, SlugSchema } from '../messages/vocabulary.js';
import { call, event } from './define.js';

/** Which message (campaign, variant) an action came from; absent when the owner acts from a device card. */
export const ActionSourceSchema = z.strictObject({
  campaignId: SlugSchema,
  variantId: SlugSchema,
  messageId: MessageIdSchema.optional(),
});
export type ActionSource = z.infer<typeof ActionSourceSchema>;

/** Names the supply: a part number wins, then a supply id of the device, then a colour, else the device's lowest supply. */
const SupplyChoiceSchema = {
  deviceId: z.string().min(1).max(200).optional(),
  partNumber: z.string().min(1).max(64).optional(),
  supplyId: z.string().min(1).max(64).optional(),
  supplyColor: z.string().min(1).max(40).optional(),
};

/** What happened to a link: opened in the browser, or refused with a reason the owner reads. */
export const LinkResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('opened'), url: z.string() }),
  z.object({ status: z.literal('refused'), reason: z.string() }),
]);
export type LinkResult = z.infer<typeof LinkResultSchema>;

/** One line of the cart, with what the owner recognises it by. */
export const CartItemSchema = ReorderItemSchema.extend({
  supplyName: z.string().max(120).nullable(),
  source: ActionSourceSchema.nullable(),
});
export type CartItem = z.infer<typeof CartItemSchema>;

/** The cart: supplies to reorder together, and whether the owner's store takes several at once. */
export const CartSchema = z.object({
  items: z.array(CartItemSchema).max(20),
  /** False when the region's store has no cart link: the panel then offers each item on its own. */
  multiItemCheckout: z.boolean(),
  /** False when the branding has no store at all. */
  storeConfigured: z.boolean(),
  /**
   * False when the owner (or their organisation's policy) turned off reorder buttons and store
   * links (settings.storeLinks): the panel then shows no Order button, reorder, cart or store link,
   * and the core refuses to open one.
   */
  storeLinks: z.boolean(),
  /** The store's hosts: a message link to one of them is a store link. */
  storeHosts: z.array(z.string()),
});
export type Cart = z.infer<typeof CartSchema>;

/** Reorder, cart and feedback; the engagement events they cause are recorded by the core, never asked for by the panel. */
export const actionsFeature = {
  reorder: call({
    input: z.strictObject({
      ...SupplyChoiceSchema,
      quantity: z.number().int().min(1).max(99).default(1),
      source: ActionSourceSchema.optional(),
    }),
    output: LinkResultSchema,
    summary: 'Opens the store page for the exact supply (allow-listed https hosts only) and records a reorder.',
  }),
  openLink: call({
    input: z.strictObject({ url: z.string().max(2000), source: ActionSourceSchema.optional() }),
    output: LinkResultSchema,
    summary: "Opens a message's link in the browser when it is https on an allow-listed host; otherwise says why not.",
  }),
  getCart: call({ input: z.void(), output: CartSchema, summary: 'The cart.' }),
  addToCart: call({
    input: z.strictObject({
      ...SupplyChoiceSchema,
      quantity: z.number().int().min(1).max(99).default(1),
      source: ActionSourceSchema.optional(),
    }),
    output: CartSchema,
    summary: 'Adds the exact part of a supply to the cart (or adds to its quantity).',
  }),
  setCartQuantity: call({
    input: z.strictObject({ partNumber: z.string().min(1).max(64), quantity: z.number().int().min(0).max(99) }),
    output: CartSchema,
    summary: 'Changes how many of a part to order; 0 removes it.',
  }),
  checkoutCart: call({
    input: z.void(),
    output: LinkResultSchema,
    summary: "Opens the store's cart with every item, records the reorder and empties the cart.",
  }),
  submitFeedback: call({
    input: z.strictObject({
      source: ActionSourceSchema,
      /** Which action of the message's content (its index), so the answers are checked against that survey. */
      actionIndex: z.number().int().min(0).max(3),
      feedback: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('thumbs'), value: z.enum(['up', 'down']).optional() }),
        z.strictObject({ kind: z.literal('rating'), value: z.number().int().optional() }),
        z.strictObject({ kind: z.literal('survey'), answers: z.record(z.string().max(40), SurveyAnswerSchema.optional()) }),
        z.strictObject({ kind: z.literal('text'), text: z.string().max(4000).optional() }),
      ]),
    }),
    output: z.discriminatedUnion('status', [
      z.object({ status: z.literal('recorded'), feedback: FeedbackSchema, queued: z.boolean() }),
      z.object({ status: z.literal('invalid'), errors: z.record(z.string(), z.string()) }),
    ]),
    summary: 'Checks feedback against the campaign (messages per field); valid feedback is queued on disk and sent when online.',
  }),
  onCartChanged: event({ payload: CartSchema, summary: 'Items were added, changed or ordered.' }),
};
