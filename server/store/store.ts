import type { CampaignInput, CampaignRecord, CampaignStatus } from '../../common/messages/index.js';
import type { AnalyticsStore } from './analytics-store.js';
import type { DiagnosticsStore } from './diagnostics-store.js';
import type { PrivacyStore } from './privacy-store.js';
import type { StoreHealth } from './store-health.js';

/** Who a bearer token speaks for: `admin` runs campaigns; `device` is for device uploads. */
export type Role = 'admin' | 'device';

/** A campaign as manifests serve it: the last published revision. */
export interface LiveCampaign {
  id: string;
  revision: number;
  publishedAt: Date;
  campaign: CampaignInput;
}

/** The global publish counter every manifest carries. */
export interface PublishState {
  /** Goes up by one with each publish or archive that changes what is live. */
  version: number;
  changedAt: Date;
}

/** The manifest signing key pair; the private half never leaves the store and the signer. */
export interface StoredSigningKey {
  keyId: string;
  /** Base64 raw 32-byte public key. */
  publicKey: string;
  /** Base64 PKCS#8 DER private key. */
  privateKey: string;
  createdAt: Date;
}

/** Why a store call refused. */
export class StoreError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Everything the server keeps. One SQL text serves both PGlite and PostgreSQL (sql-store.ts). */
export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Whether the database answers; calls that find it gone throw StoreUnavailableError (store-health.ts). */
  readonly health: StoreHealth;
  /** Events, stats, CRM outbox and segments (analytics-store.ts). */
  readonly analytics: AnalyticsStore;
  /** Diagnostics cases, support tokens and sessions, the case access log (diagnostics-store.ts). */
  readonly diagnostics: DiagnosticsStore;
  /** Install credentials (hashed), export and deletion requests and their CRM notices (privacy-store.ts). */
  readonly privacy: PrivacyStore;
  /** Creates a draft; `conflict` when the id exists. */
  createCampaign(campaign: CampaignInput, now: Date): Promise<CampaignRecord>;
  /** Replaces the latest edit (revision + 1); manifests keep serving the published revision until the next publish. */
  updateCampaign(id: string, campaign: CampaignInput, now: Date, expectedRevision?: number): Promise<CampaignRecord>;
  getCampaign(id: string): Promise<CampaignRecord | null>;
  listCampaigns(status?: CampaignStatus): Promise<CampaignRecord[]>;
  /** Makes the latest edit live and bumps the publish version (unchanged when that revision is already live). */
  publishCampaign(id: string, now: Date): Promise<{ record: CampaignRecord; version: number }>;
  /** Withdraws a campaign from manifests; bumps the version when it was live. */
  archiveCampaign(id: string, now: Date): Promise<{ record: CampaignRecord; version: number }>;
  publishState(): Promise<PublishState>;
  /** A version devices were served; the next publish takes one above it even if the store's counter is behind (restored backup, lagging replica). */
  noteVersionSeen(version: number): void;
  /** The live campaigns and the version they belong to, read in one transaction. */
  liveCampaigns(): Promise<PublishState & { campaigns: LiveCampaign[] }>;
  /** The oldest signing key; `create` makes one when there is none (first start). Safe when nodes race. */
  signingKey(create: () => Omit<StoredSigningKey, 'createdAt'>, now: Date): Promise<StoredSigningKey>;
  /** The role of a token hash, or null. */
  tokenRole(tokenHash: string): Promise<Role | null>;
  addToken(tokenHash: string, role: Role, label: string, now: Date): Promise<void>;
  countTokens(role: Role): Promise<number>;
  close(): Promise<void>;
}
