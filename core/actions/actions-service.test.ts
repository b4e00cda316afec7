import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrandingSchema } from '../../common/branding.js';
import type { DeviceEventDraft } from '../../common/events.js';
import type { MessageAction } from '../../common/messages/index.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import type { EngagementService } from '../events/engagement.js';
import { createActionsService } from './actions-service.js';

const branding = BrandingSchema.parse(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../assets/branding/demo.json'), 'utf8')));
const printer = new SimulatedPrinter({ clock: { now: () => 0 }, speed: 0 });

async function setup(actions: MessageAction[] = [], storeLinks?: { on: boolean }) {
  const opened: string[] = [];
  const recorded: DeviceEventDraft[] = [];
  const engagement = {
    record: async (draft: DeviceEventDraft) => (recorded.push(draft), { recorded: true }),
  } as unknown as EngagementService;
  const reading = await printer.read(new AbortController().signal);
  const device = {
    id: 'sim-1',
    transport: 'simulated' as const,
    identity: reading.identity,
    state: 'ok' as const,
    statusLine: 'Ready',
    conditions: [],
    supplies: reading.supplies,
    facts: {},
    stale: false,
    updatedAt: 0,
  };
  const service = createActionsService({
    branding,
    devices: { snapshots: () => [device] },
    engagement: Promise.resolve(engagement),
    findMessage: (id) => (id === 'survey@1' ? { campaignId: 'survey', variantId: 'b', actions } : undefined),
    openExternal: async (url) => void opened.push(url),
    region: () => 'DE',
    ...(storeLinks ? { storeLinks: () => storeLinks.on } : {}),
    log: () => undefined,
  });
  return { service, opened, recorded };
}
const source = { campaignId: 'cyan-low', variantId: 'a', messageId: 'cyan-low@2' };

describe('actions', () => {
  it('reorders the cyan part from the German store and records the reorder with its ref', async () => {
    const { service, opened, recorded } = await setup();
    const result = await service.handlers.reorder({ supplyColor: 'cyan', quantity: 2, source });
    expect(result.status).toBe('opened');
    expect(opened).toHaveLength(1);
    const url = new URL(opened[0]!);
    expect(url.origin + url.pathname).toBe('https://shop.example.de/de-DE/verbrauchsmaterial/TS-805XL-C');
    expect(url.searchParams.get('menge')).toBe('2');
    expect(recorded).toEqual([
      { type: 'reorder', ...source, items: [{ partNumber: 'TS-805XL-C', quantity: 2 }], region: 'DE', ref: url.searchParams.get('ref') },
    ]);
  });

  it('never hands a refused link to the browser, and says why', async () => {
    const { service, opened, recorded } = await setup();
    for (const url of [
      'http://shop.example.com/',
      'https://shop.example.com.evil.io/',
      'javascript:alert(1)',
      'https://shop.example.com@evil.io/',
      'https://shоp.example.com/',
    ]) {
      const result = await service.handlers.openLink({ url, source });
      expect(result).toMatchObject({ status: 'refused', reason: expect.any(String) });
    }
    expect(opened).toEqual([]);
    expect(recorded).toEqual([]);
    expect(await service.handlers.openLink({ url: 'https://support.example.com/help', source })).toEqual({
      status: 'opened',
      url: 'https://support.example.com/help',
    });
    expect(recorded).toMatchObject([{ type: 'click', action: 'open-url', host: 'support.example.com' }]);
  });

  it('orders a cart of several supplies with one store link and empties the cart', async () => {
    const { service, opened, recorded } = await setup();
    await service.handlers.addToCart({ supplyColor: 'cyan', quantity: 1, source });
    await service.handlers.addToCart({ supplyColor: 'black', quantity: 1 });
    const cart = await service.handlers.addToCart({ supplyColor: 'cyan', quantity: 1 });
    expect(cart.items.map((item) => [item.partNumber, item.quantity])).toEqual([
      ['TS-805XL-C', 2],
      ['TS-805XL-K', 1],
    ]);
    const result = await service.handlers.checkoutCart();
    expect(result.status).toBe('opened');
    expect(opened[0]).toMatch(/^https:\/\/shop\.example\.de\/de-DE\/warenkorb\?artikel=TS-805XL-C\*2;TS-805XL-K\*1&/);
    expect((await service.handlers.getCart()).items).toEqual([]);
    expect(recorded).toMatchObject([
      {
        type: 'reorder',
        campaignId: 'cyan-low',
        items: [
          { partNumber: 'TS-805XL-C', quantity: 2 },
          { partNumber: 'TS-805XL-K', quantity: 1 },
        ],
      },
    ]);
  });

  it('checks survey answers against the campaign and records only valid feedback', async () => {
    const survey: MessageAction = {
      type: 'feedback',
      label: 'Tell us',
      kind: 'survey',
      questions: [
        { id: 'quality', text: 'Quality?', choices: ['Good', 'Bad'] },
        { id: 'improve', text: 'Improve?', maxLength: 10 },
      ],
    };
    const { service, recorded } = await setup([survey]);
    const surveySource = { campaignId: 'survey', variantId: 'b', messageId: 'survey@1' };
    const invalid = await service.handlers.submitFeedback({
      source: surveySource,
      actionIndex: 0,
      feedback: { kind: 'survey', answers: { quality: 'Great', improve: 'x'.repeat(11) } },
    });
    expect(invalid).toEqual({
      status: 'invalid',
      errors: { quality: 'Pick from the choices shown.', improve: 'Keep it under 10 characters (now 11).' },
    });
    expect(recorded).toEqual([]);
    const valid = await service.handlers.submitFeedback({
      source: surveySource,
      actionIndex: 0,
      feedback: { kind: 'survey', answers: { quality: 'Good', improve: '<b>ink</b>' } },
    });
    expect(valid).toMatchObject({ status: 'recorded', queued: true });
    expect(recorded).toEqual([
      { type: 'feedback', ...surveySource, feedback: { kind: 'survey', answers: { quality: 'Good', improve: '<b>ink</b>' } } },
    ]);
  });

  it('refuses every reorder and store link while reorder buttons and store links are off, naming the setting; other links still open', async () => {
    const storeLinks = { on: false };
    const { service, opened, recorded } = await setup([], storeLinks);
    const named = { code: 'forbidden', message: expect.stringMatching(/"Reorder buttons and store links", setting storeLinks/) };
    await expect(service.handlers.reorder({ supplyColor: 'cyan', quantity: 1, source })).rejects.toMatchObject(named);
    await expect(service.handlers.reorder({ deviceId: 'sim-1', supplyId: 'cyan', quantity: 1 })).rejects.toMatchObject(named);
    await expect(service.handlers.addToCart({ supplyColor: 'cyan', quantity: 1, source })).rejects.toMatchObject(named);
    await expect(service.handlers.checkoutCart()).rejects.toMatchObject(named);
    // A message's plain link to a store host is a store link too.
    await expect(service.handlers.openLink({ url: 'https://shop.example.de/angebote', source })).rejects.toMatchObject(named);
    expect(opened).toEqual([]);
    expect(recorded).toEqual([]);
    expect(await service.handlers.getCart()).toMatchObject({ storeLinks: false, storeHosts: branding.store!.allowedHosts });
    expect(await service.handlers.openLink({ url: 'https://support.example.com/help', source })).toMatchObject({ status: 'opened' });

    storeLinks.on = true;
    expect(await service.handlers.reorder({ supplyColor: 'cyan', quantity: 1, source })).toMatchObject({ status: 'opened' });
    expect((await service.handlers.getCart()).storeLinks).toBe(true);
  });
});
