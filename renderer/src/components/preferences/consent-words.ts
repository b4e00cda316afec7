import type { CONSENT_COVERAGE } from '../../../../common/contract/preferences.js';
import type { Consent } from '../../../../common/settings.js';
import type { MessageKey } from '../../../../common/l10n/en.js';

/**
 * The catalogue messages of the consent wording: each level, and what each request of the wire
 * contract (CONSENT_COVERAGE) is for. Keyed by the contract's own names, so a new level or request
 * does not compile until it has words. Changing these words means raising CONSENT_WORDING_VERSION.
 */
export const LEVEL_KEYS: Record<Consent, { title: MessageKey; summary: MessageKey }> = {
  none: { title: 'consent.level.none', summary: 'consent.level.none.summary' },
  'anonymous-usage': { title: 'consent.level.anonymous', summary: 'consent.level.anonymous.summary' },
  'support-sharing': { title: 'consent.level.support', summary: 'consent.level.support.summary' },
};

type CoverageRequest = (typeof CONSENT_COVERAGE)[number]['request'];

export const COVERAGE_KEYS: Record<CoverageRequest, { purpose: MessageKey; note: MessageKey | null }> = {
  'GET /v1/manifests/{productLine}/{locale}': { purpose: 'coverage.manifests', note: 'coverage.manifests.note' },
  'POST /v1/installs': { purpose: 'coverage.installs', note: null },
  'POST /v1/events': { purpose: 'coverage.events', note: null },
  'GET /v1/segments/{installId}': { purpose: 'coverage.segments', note: null },
  'POST /v1/privacy/{installId}/deletions': { purpose: 'coverage.deletions', note: 'coverage.deletions.note' },
  'POST /v1/privacy/{installId}/exports': { purpose: 'coverage.exports', note: 'coverage.exports.note' },
  'GET /v1/privacy/{installId}/requests/{requestId}': { purpose: 'coverage.requests', note: 'coverage.requests.note' },
};
