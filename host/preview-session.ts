// The marketer's panel preview: a throwaway backend with only the draft published, and a Node host
// whose one device reports exactly the chosen state, in the state's locale, region and zone. Both
// live in one temporary folder that close() removes, so neither the owner's real server nor the
// app's data (caps, snoozes, history) is ever touched.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, systemTimers } from '../common/lifecycle.js';
import type { CampaignInput } from '../common/messages/index.js';
import {
  CampaignPreviewSchema,
  previewDeviceReading,
  type CampaignPreview,
  type PreviewDeviceState,
} from '../common/messages/explain-targeting.js';
import { DEFAULT_SETTINGS } from '../common/settings.js';
import { composeApp, loadHostBranding, type ComposedApp } from '../core/compose-app.js';
import { startDemoBackend, type DemoBackend, type DemoBackendInfo } from '../core/demo-backend.js';
import { canonicalLocale } from '../core/environment.js';
import { loadDataDirInstallIdentitySync } from '../core/install-identity.js';
import { parseFlags } from '../core/parse-flags.js';
import { FixedStateDevice } from '../native/simulated/fixed-state-device.js';
import { SimulatedSource } from '../native/simulated/simulated-source.js';
import { fileSettingsStorage } from './file-settings-storage.js';
import { startNodeHost, type NodeHost } from './node-host.js';
import { notificationLog } from './notification-log.js';
import { PreviewInputError } from './preview-files.js';
import { urlLog } from './url-log.js';

/** What a preview starts from: the parsed draft and device state, and the host's own choices. */
export interface PreviewSessionOptions {
  campaign: CampaignInput;
  state: PreviewDeviceState;
  /** The checkout's root: the backend's server and the built panel (out/renderer) are under it. */
  root: string;
  /** The temporary folder this preview owns; close() removes it. */
  dir: string;
  /** Which variant the panel shows; default the first one not paused. */
  variant?: string | undefined;
  /** An OEM branding file for the panel (names, colours, store links); default the bundled demo branding. */
  branding?: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** Run the backend through tsx (this process runs from source). */
  fromSource: boolean;
  log: (message: string) => void;
}

/** A running preview. */
export interface PreviewSession {
  readonly url: string;
  /** The targeting verdict and every variant's words, from the throwaway backend's own preview endpoint. */
  readonly preview: CampaignPreview;
  /** The variant the panel shows. */
  readonly variant: string;
  /** What the panel cannot reproduce of the state, one sentence each. */
  readonly notes: string[];
  /** Stops the host, the core and the backend, and removes the temporary folder. */
  close(): Promise<void>;
}

/** The preview could not start here (a missing build, a backend that did not come up). */
export class PreviewSetupError extends Error {
  override readonly name = 'PreviewSetupError';
}

const OS_PLATFORM = { windows: 'win32', macos: 'darwin', linux: 'linux' } as const;
const DAY_MS = 86_400_000;

/**
 * The draft as the throwaway backend publishes it: one variant, so the panel shows the one chosen
 * rather than the one this random install would draw, and no control group, which would show this
 * install nothing at random. The printed explanation still covers every variant.
 */
export function panelDraft(campaign: CampaignInput, variantId: string | undefined): CampaignInput {
  const variant =
    variantId === undefined
      ? (campaign.variants.find((entry) => entry.weight > 0) ?? campaign.variants[0]!)
      : campaign.variants.find((entry) => entry.id === variantId);
  if (variant === undefined)
    throw new PreviewInputError(
      `--variant ${variantId}: the campaign has no such variant (it has ${campaign.variants.map((entry) => entry.id).join(', ')}).`,
    );
  const { controlShare: _control, ...rest } = campaign;
  return { ...rest, variants: [{ ...variant, weight: Math.max(1, variant.weight) }] };
}

/** Differences between the state file and what a live app on this machine can show, said before the owner is surprised. */
export function previewNotes(campaign: CampaignInput, state: PreviewDeviceState): string[] {
  const notes: string[] = [];
  if (state.at !== undefined) notes.push(`The explanation is for ${state.at} (the state's "at"); the panel runs at the current time.`);
  if (state.supplies.some((supply) => supply.daysLeft !== undefined))
    notes.push(
      'The panel forecasts run-out from drain history, which a fresh preview has none of: "daysLeft" counts in the explanation only.',
    );
  if (state.crmSegments.length > 0)
    notes.push('CRM segments come from the backend\'s import for a real install: "crmSegments" counts in the explanation only.');
  if (state.osVersion !== '') notes.push(`The panel reports this machine's OS version, not "${state.osVersion}".`);
  if (state.region === null && campaign.segment.regions.length > 0)
    notes.push('With no region, the app takes it from the locale (de-DE → DE); give "region" to preview that choice exactly.');
  if (campaign.controlShare !== undefined)
    notes.push(`The panel shows what treated installs see; the ${Math.round(campaign.controlShare * 100)} % control group sees nothing.`);
  return notes;
}

/** Settings of an owner who receives every category, in the state's locale and region, and a fresh install of that age. */
async function prepareAppData(appDir: string, state: PreviewDeviceState, log: (message: string) => void): Promise<void> {
  await mkdir(appDir, { recursive: true });
  fileSettingsStorage(appDir).write(
    {
      ...DEFAULT_SETTINGS,
      locale: canonicalLocale(state.locale) ?? state.locale,
      region: state.region,
      // Marketing is off by default; a preview shows the draft to an owner who opted in, or an offer would never appear.
      messageCategories: { supplies: true, service: true, tips: true, offers: true, surveys: true },
      chosenFields: ['locale', 'region', 'messageCategories'],
    },
    null,
  );
  // Made now with its first start moved back, so "days since install" in rules reads the state's value.
  loadDataDirInstallIdentitySync(appDir, systemClock.now() - state.daysSinceInstall * DAY_MS, log);
}

/** The reference server in a child process, with only the draft published; resolves when it listens. */
async function startThrowawayBackend(
  options: PreviewSessionOptions,
  draft: CampaignInput,
): Promise<{ backend: DemoBackend; info: DemoBackendInfo; dataDir: string }> {
  const campaignsDir = join(options.dir, 'campaigns');
  await mkdir(campaignsDir, { recursive: true });
  await writeFile(join(campaignsDir, 'draft.json'), JSON.stringify(draft, null, 2));
  const dataDir = join(options.dir, 'backend');
  const backend = startDemoBackend({
    root: options.root,
    dataDir,
    campaignsDir,
    log: (message) => options.log(message.replace(/^demo backend: /, 'preview backend: ')),
    fromSource: options.fromSource,
  });
  try {
    return { backend, info: await backend.ready, dataDir };
  } catch (error) {
    throw new PreviewSetupError(`the throwaway backend did not start: ${(error as Error).message}`);
  }
}

/** The explanation from the backend's POST /v1/admin/campaigns/preview, so it is the same answer `npm run admin -- preview` gives. */
async function explain(
  info: DemoBackendInfo,
  dataDir: string,
  campaign: CampaignInput,
  state: PreviewDeviceState,
): Promise<CampaignPreview> {
  // server/start-server.ts keeps the admin token there (0600); this preview made the folder.
  const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  const response = await fetch(new URL('/v1/admin/campaigns/preview', info.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ campaign, device: state }),
  });
  if (!response.ok)
    throw new PreviewSetupError(`the backend refused the preview (${response.status}): ${(await response.text()).slice(0, 300)}`);
  return CampaignPreviewSchema.parse(await response.json());
}

/** The app as the Node host composes it, pointed at the throwaway backend, with the fixed-state printer as its only device. */
async function composePreviewApp(options: PreviewSessionOptions, info: DemoBackendInfo, appDir: string): Promise<ComposedApp> {
  const { state, log } = options;
  const flags = {
    ...parseFlags(options.branding === undefined ? [] : ['--branding', options.branding], 'strict', {}),
    backend: info.url,
    publicKey: info.publicKey,
    productLine: state.productLine,
    demo: 'never' as const,
  };
  const reading = previewDeviceReading(state);
  const printer = reading === null ? [] : [new FixedStateDevice('simulated:preview', reading)];
  // Only the variables the app reads; the marketer's own TRAYSIDE_* settings stay out of the preview.
  const env = { LANG: state.locale, TRAYSIDE_DISCOVERY: '0' };
  return composeApp(
    {
      host: 'node',
      notifier: notificationLog(log),
      openExternal: urlLog(log),
      fetch: (url, init) => fetch(url, init),
      settingsStorage: fileSettingsStorage(appDir, log),
      dataDir: appDir,
      environment: { appVersion: state.appVersion, platform: OS_PLATFORM[state.os], env },
      log,
      clock: systemClock,
      timers: systemTimers,
      isPackaged: false,
      appRoot: options.root,
      devices: { only: [new SimulatedSource(printer)] },
    },
    flags,
    loadHostBranding(flags, env, process.cwd()),
  );
}

/** Starts the backend, publishes the draft there, composes the app against it and serves the panel. */
export async function startPreviewSession(options: PreviewSessionOptions): Promise<PreviewSession> {
  const rendererDir = resolve(options.root, 'out/renderer');
  const bridgeScript = join(rendererDir, 'trayside-bridge.js');
  let backend: DemoBackend | undefined;
  let app: ComposedApp | undefined;
  let host: NodeHost | undefined;
  const close = async (): Promise<void> => {
    await host?.close().catch(() => undefined);
    await app?.dispose().catch(() => undefined);
    await backend?.stop();
    await rm(options.dir, { recursive: true, force: true });
  };
  try {
    const draft = panelDraft(options.campaign, options.variant);
    await readFile(bridgeScript).catch(() => {
      throw new PreviewSetupError(`${bridgeScript} is missing: run "npm run build" first.`);
    });
    const started = await startThrowawayBackend(options, draft);
    backend = started.backend;
    const preview = await explain(started.info, started.dataDir, options.campaign, options.state);
    const appDir = join(options.dir, 'app');
    await prepareAppData(appDir, options.state, options.log);
    app = await composePreviewApp(options, started.info, appDir);
    await app.core.start();
    host = await startNodeHost({ core: app.core, rendererDir, bridgeScript, port: options.port, log: options.log });
    return { url: host.url, preview, variant: draft.variants[0]!.id, notes: previewNotes(options.campaign, options.state), close };
  } catch (error) {
    await close();
    throw error;
  }
}
