import type { Branding } from '../../common/branding.js';
import type { PolicyIdentity } from './platform-sources.js';
import { DEMO_POLICY_IDENTITY } from './templates.js';

/**
 * The names an OEM's policy is filed under: the branding's `policyNames` where it gives them (a
 * vendor whose registry key is not the product's name, a bundle id of its own). Otherwise vendor
 * and product are both its name and the bundle id follows electron-builder's `com.<name>.app`; the
 * bundled demo is exactly that (Trayside, com.trayside.app).
 */
export function policyIdentityOf(branding: Pick<Branding, 'name'> & { policyNames?: Branding['policyNames'] }): PolicyIdentity {
  if (branding.policyNames) return { ...branding.policyNames };
  if (branding.name === DEMO_POLICY_IDENTITY.product) return DEMO_POLICY_IDENTITY;
  const plain = branding.name.replace(/[^A-Za-z0-9]/g, '');
  return { vendor: plain, product: plain, bundleId: `com.${plain.toLowerCase()}.app` };
}
