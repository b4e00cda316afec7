import { loadPolicy, updatePolicyOf } from '../policy/policy.js';
import type { PolicyIdentity, PolicySeams } from '../policy/platform-sources.js';
import type { UpdatePolicySource } from './policy.js';

/**
 * The update policy from the machine's enterprise policy (core/policy: the registry on Windows,
 * managed preferences on macOS, /etc/<product>/policy.json on Linux), read again before every
 * check so IT's change applies without a restart. Only enforced values count for updates.
 */
export function enterpriseUpdatePolicy(identity: PolicyIdentity, log: (message: string) => void, seams?: PolicySeams): UpdatePolicySource {
  return { read: async () => updatePolicyOf(await loadPolicy(identity, log, seams)) };
}
