import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_KEY_NAMES } from '../../common/policy.js';
import { DEMO_POLICY_IDENTITY, policyTemplateFiles, renderAdml, renderAdmx } from './templates.js';

const root = join(import.meta.dirname, '..', '..');

/** Every element closed in order: enough to catch a broken template without an XML library. */
function balanced(text: string): boolean {
  const stack: string[] = [];
  const body = text
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe('policy templates', () => {
  it('the files in assets/policy are the ones the schema generates (run: npx tsx scripts/generate-policy-templates.ts)', () => {
    for (const [path, text] of Object.entries(policyTemplateFiles())) {
      expect(readFileSync(join(root, path), 'utf8'), `${path} is stale`).toBe(text);
    }
  });

  it('are well formed, and every string and presentation the ADMX names is in the ADML', () => {
    const admx = renderAdmx(DEMO_POLICY_IDENTITY);
    const adml = renderAdml(DEMO_POLICY_IDENTITY);
    for (const text of Object.values(policyTemplateFiles())) expect(balanced(text)).toBe(true);
    const strings = new Set([...adml.matchAll(/<string id="([^"]+)">/g)].map((match) => match[1]));
    const presentations = new Set([...adml.matchAll(/<presentation id="([^"]+)">/g)].map((match) => match[1]));
    for (const [, ref] of admx.matchAll(/\$\(string\.([^)]+)\)/g)) expect(strings, ref).toContain(ref);
    for (const [, ref] of admx.matchAll(/\$\(presentation\.([^)]+)\)/g)) expect(presentations, ref).toContain(ref);
    // Every key, enforced and recommended, under the policy key path.
    for (const key of POLICY_KEY_NAMES) {
      expect(admx).toContain(`<policy name="${key}" `);
      expect(admx).toContain(`<policy name="${key}_Recommended" `);
    }
    expect(admx).toContain('key="Software\\Policies\\Trayside\\Trayside\\Recommended"');
  });
});
