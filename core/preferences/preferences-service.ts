import { join } from 'node:path';
import {
  CONSENT_WORDING_VERSION,
  PreferencesChangeSchema,
  type MessageCategory,
  type PreferencesChange,
  type PreferencesView,
  type Transparency,
} from '../../common/contract/preferences.js';
import { describeError } from '../../common/errors.js';
import { Emitter, type Clock, type Disposable } from '../../common/lifecycle.js';
import { EMPTY_POLICY, type EffectivePolicy } from '../../common/policy.js';
import type { MessageCategoryChoices, SettingsPatch } from '../../common/settings.js';
import { chosenFieldsOf } from '../policy/governed-settings.js';
import { governSettings } from '../policy/policy.js';
import type { SettingsService } from '../settings-service.js';
import { openConsentLedgerSync, type ConsentLedger } from './consent-ledger.js';
import { readQueuedEvents } from './queued-events.js';
import type { SentRequests } from './sent-requests.js';
import type { ThresholdTarget } from '../devices/supply-thresholds.js';

/** Off until the owner opts in (DESIGN.md, Privacy). */
const MARKETING: ReadonlySet<MessageCategory> = new Set(['tips', 'offers', 'surveys']);
const CATEGORIES: readonly MessageCategory[] = ['supplies', 'service', 'tips', 'offers', 'surveys'];

export interface PreferencesOptions {
  /** The owner's own settings (not the governed ones): the panel edits these. */
  settings: SettingsService;
  policy?: EffectivePolicy;
  /** Omitted: the ledger lives in memory only and no queue is read. */
  dataDir?: string;
  /** Where events are uploaded, for the destination of queued ones; omitted: no backend. */
  backendUrl?: string;
  sent?: SentRequests;
  /** Each kind/colour of supply seen on the attached devices, with the device's own mark; omitted: none. */
  supplies?: () => readonly ThresholdTarget[];
  /** The locale the owner reads the panel in, when the change does not say. */
  locale: () => string;
  clock: Clock;
  log: (message: string) => void;
}

export interface PreferencesService extends Disposable {
  view(): PreferencesView;
  update(change: PreferencesChange): Promise<PreferencesView>;
  transparency(): Promise<Transparency>;
  onChanged(listener: (view: PreferencesView) => void): Disposable;
}

function memoryLedger(): ConsentLedger {
  const entries: ReturnType<ConsentLedger['entries']> = [];
  return { entries: () => [...entries].reverse(), append: async (entry) => void entries.push(entry), close: async () => undefined };
}

/** The preference center: the owner's choices with what the policy does to them, the consent ledger and what is sent. */
export function createPreferencesService(options: PreferencesOptions): PreferencesService {
  const policy = options.policy ?? EMPTY_POLICY;
  const ledger =
    options.dataDir === undefined
      ? memoryLedger()
      : openConsentLedgerSync(join(options.dataDir, 'preferences', 'consent-ledger.jsonl'), options.log);
  const changed = new Emitter<PreferencesView>();
  /** Set while the panel's own change is applied, so its ledger entry says so. */
  let fromPanel: { locale: string } | undefined;
  let writing: Promise<void> = Promise.resolve();

  const view = (): PreferencesView => {
    const owner = options.settings.get();
    const governed = governSettings(owner, chosenFieldsOf(owner), policy);
    return {
      consent: {
        level: governed.settings.consent,
        chosen: owner.consent,
        source: governed.sources.consent,
        ceiling: policy.enforced.ConsentCeiling ?? null,
      },
      categories: CATEGORIES.map((category) => {
        const source = governed.sources.messageCategories[category];
        return {
          category,
          on: governed.settings.messageCategories[category],
          marketing: MARKETING.has(category),
          locked: source === 'policy',
          source,
        };
      }),
      storeLinks: {
        on: governed.settings.storeLinks,
        locked: governed.sources.storeLinks === 'policy',
        source: governed.sources.storeLinks,
      },
      quietHours: owner.quietHours,
      frequencyLimit: owner.frequencyLimit ?? null,
      supplyThresholds: (options.supplies?.() ?? []).map((target) => ({
        ...target,
        percent: owner.supplyThresholds?.find((mark) => mark.kind === target.kind && mark.color === target.color)?.percent ?? null,
      })),
      ledger: ledger.entries(),
    };
  };

  const subscriptions = [
    options.settings.onConsentChanged((level) => {
      const entry = {
        at: options.clock.now(),
        level,
        wordingVersion: CONSENT_WORDING_VERSION,
        locale: fromPanel?.locale ?? options.locale(),
        how: fromPanel ? ('panel' as const) : ('other' as const),
      };
      writing = writing
        .then(() => ledger.append(entry))
        .catch((error: unknown) => options.log(`preferences: could not write the consent ledger (${describeError(error)})`));
    }),
    options.settings.onChanged(() => changed.fire(view())),
  ];

  return {
    view,
    async update(input) {
      const change = PreferencesChangeSchema.parse(input);
      const patch: SettingsPatch = {};
      if (change.consent !== undefined) patch.consent = change.consent;
      if (change.category !== undefined) {
        const current = options.settings.get().messageCategories;
        patch.messageCategories = { ...current, [change.category.category]: change.category.on } satisfies MessageCategoryChoices;
      }
      // Like a category: the owner's choice is kept under a policy that locks it, and comes back when the policy is lifted.
      if (change.storeLinks !== undefined) patch.storeLinks = change.storeLinks;
      if (change.quietHours !== undefined) patch.quietHours = change.quietHours;
      if (change.frequencyLimit !== undefined) patch.frequencyLimit = change.frequencyLimit;
      if (change.supplyThreshold !== undefined) {
        const { kind, color, percent } = change.supplyThreshold;
        const others = (options.settings.get().supplyThresholds ?? []).filter((mark) => mark.kind !== kind || mark.color !== color);
        patch.supplyThresholds = percent === null ? others : [...others, { kind, color, percent }];
      }
      fromPanel = { locale: change.locale ?? options.locale() };
      try {
        options.settings.update(patch);
      } finally {
        fromPanel = undefined;
      }
      // The ledger entry is on disk before the panel hears the change took.
      await writing;
      const next = view();
      changed.fire(next);
      return next;
    },
    async transparency() {
      const queued =
        options.dataDir === undefined
          ? []
          : await readQueuedEvents(join(options.dataDir, 'events', 'events.log')).catch((error: unknown) => {
              options.log(`preferences: could not read the event queue (${describeError(error)})`);
              return [];
            });
      const destination =
        options.backendUrl === undefined
          ? 'nowhere: no message server is configured'
          : `POST ${new URL('/v1/events', options.backendUrl).href}`;
      return {
        queued: queued.map((event) => ({ at: Date.parse(event.at), destination, status: null, body: JSON.stringify(event, null, 2) })),
        sent: options.sent?.recent() ?? [],
      };
    },
    onChanged: (listener) => changed.on(listener),
    dispose() {
      for (const subscription of subscriptions) subscription.dispose();
      void writing.then(() => ledger.close());
    },
  };
}
