// Writes the Group Policy templates and the configuration profile example from common/policy.ts.
// Usage: npx tsx scripts/generate-policy-templates.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyTemplateFiles } from '../core/policy/templates.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, text] of Object.entries(policyTemplateFiles())) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
