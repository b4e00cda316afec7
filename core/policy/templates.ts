import { POLICY_KEYS, POLICY_KEY_NAMES, type PolicyKey, type PolicyKeySpec } from '../../common/policy.js';
import type { PolicyIdentity } from './platform-sources.js';

/**
 * Group Policy templates (ADMX + en-US ADML) and a macOS configuration profile example, made from
 * the one policy table (common/policy.ts). `npx tsx scripts/generate-policy-templates.ts` writes
 * them to assets/policy/; core/policy/templates.test.ts fails when the files there are stale.
 */

const xml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const id = (text: string): string => text.replace(/[^A-Za-z0-9]/g, '');

/** An example value per key, for the configuration profile. */
const EXAMPLES: Record<PolicyKey, string | number | boolean> = {
  ConsentCeiling: 'anonymous-usage',
  MessageCategorySupplies: true,
  MessageCategoryService: true,
  MessageCategoryTips: false,
  MessageCategoryOffers: false,
  MessageCategorySurveys: false,
  StoreLinks: true,
  UpdatesEnabled: true,
  UpdateChannel: 'stable',
  UpdateFeedUrl: 'https://updates.example.com/',
  UpdateVersionPin: '1.4',
  UpdateDeferDays: 7,
  BackendUrl: 'https://messages.example.com/',
};

const CATEGORIES = ['Privacy', 'Messages', 'Store', 'Updates', 'Backend'] as const;

function elements(key: PolicyKey, spec: PolicyKeySpec, suffix: string): string {
  const ref = `${key}${suffix}`;
  switch (spec.kind) {
    case 'boolean':
      return `      <enabledValue><decimal value="1" /></enabledValue>\n      <disabledValue><decimal value="0" /></disabledValue>\n`;
    case 'enum':
      return `      <elements>\n        <enum id="${ref}" valueName="${key}" required="true">\n${(spec.values ?? [])
        .map((value) => `          <item displayName="$(string.${key}_${id(value)})"><value><string>${xml(value)}</string></value></item>`)
        .join('\n')}\n        </enum>\n      </elements>\n`;
    case 'number':
      return `      <elements>\n        <decimal id="${ref}" valueName="${key}" minValue="${spec.min ?? 0}" maxValue="${spec.max ?? 4294967295}" required="true" />\n      </elements>\n`;
    case 'string':
      return `      <elements>\n        <text id="${ref}" valueName="${key}" maxLength="2000" required="true" />\n      </elements>\n`;
  }
}

/** The ADMX: every key twice, enforced (`…\<product>`) and recommended (`…\<product>\Recommended`). */
export function renderAdmx(identity: PolicyIdentity): string {
  const prefix = id(identity.product).toLowerCase();
  const base = `Software\\Policies\\${identity.vendor}\\${identity.product}`;
  const policies: string[] = [];
  for (const [suffix, key, category] of [
    ['', base, ''],
    ['_Recommended', `${base}\\Recommended`, '_Recommended'],
  ] as const) {
    for (const name of POLICY_KEY_NAMES) {
      const spec: PolicyKeySpec = POLICY_KEYS[name];
      const presentation = spec.kind === 'boolean' ? '' : ` presentation="$(presentation.${name}${suffix})"`;
      policies.push(
        `    <policy name="${name}${suffix}" class="Both" displayName="$(string.${name})" explainText="$(string.${name}_Explain)" key="${xml(key)}"${spec.kind === 'boolean' ? ` valueName="${name}"` : ''}${presentation}>\n` +
          `      <parentCategory ref="${spec.category}${category}" />\n      <supportedOn ref="SUPPORTED_1_0" />\n${elements(name, spec, suffix)}    </policy>`,
      );
    }
  }
  const categories = [
    `    <category name="${id(identity.product)}" displayName="$(string.Product)" />`,
    `    <category name="${id(identity.product)}_Recommended" displayName="$(string.Product_Recommended)" />`,
    ...CATEGORIES.flatMap((category) => [
      `    <category name="${category}" displayName="$(string.Category_${category})"><parentCategory ref="${id(identity.product)}" /></category>`,
      `    <category name="${category}_Recommended" displayName="$(string.Category_${category})"><parentCategory ref="${id(identity.product)}_Recommended" /></category>`,
    ]),
  ];
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from common/policy.ts by scripts/generate-policy-templates.ts; do not edit. -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <policyNamespaces>
    <target prefix="${prefix}" namespace="${xml(id(identity.vendor))}.Policies.${xml(id(identity.product))}" />
    <using prefix="windows" namespace="Microsoft.Policies.Windows" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_1_0" displayName="$(string.SUPPORTED_1_0)" />
    </definitions>
  </supportedOn>
  <categories>
${categories.join('\n')}
  </categories>
  <policies>
${policies.join('\n')}
  </policies>
</policyDefinitions>
`;
}

function presentation(name: PolicyKey, spec: PolicyKeySpec, suffix: string): string | undefined {
  const ref = `${name}${suffix}`;
  if (spec.kind === 'boolean') return undefined;
  const control =
    spec.kind === 'enum'
      ? `<dropdownList refId="${ref}">${xml(spec.title)}</dropdownList>`
      : spec.kind === 'number'
        ? `<decimalTextBox refId="${ref}">${xml(spec.title)}</decimalTextBox>`
        : `<textBox refId="${ref}"><label>${xml(spec.title)}</label></textBox>`;
  return `      <presentation id="${ref}">${control}</presentation>`;
}

/** The en-US ADML: names and explanations from the table. */
export function renderAdml(identity: PolicyIdentity): string {
  const strings: string[] = [
    `      <string id="Product">${xml(identity.product)}</string>`,
    `      <string id="Product_Recommended">${xml(identity.product)} (recommended: the owner may change these)</string>`,
    `      <string id="SUPPORTED_1_0">${xml(identity.product)} 1.0 and later</string>`,
    ...CATEGORIES.map((category) => `      <string id="Category_${category}">${category}</string>`),
  ];
  for (const name of POLICY_KEY_NAMES) {
    const spec: PolicyKeySpec = POLICY_KEYS[name];
    strings.push(
      `      <string id="${name}">${xml(spec.title)}</string>`,
      `      <string id="${name}_Explain">${xml(spec.description)}</string>`,
    );
    for (const value of spec.values ?? []) strings.push(`      <string id="${name}_${id(value)}">${xml(value)}</string>`);
  }
  const presentations = ['', '_Recommended'].flatMap((suffix) =>
    POLICY_KEY_NAMES.map((name) => presentation(name, POLICY_KEYS[name], suffix)).filter((line): line is string => line !== undefined),
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from common/policy.ts by scripts/generate-policy-templates.ts; do not edit. -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <displayName>${xml(identity.product)}</displayName>
  <description>Policies of ${xml(identity.product)} by ${xml(identity.vendor)}</description>
  <resources>
    <stringTable>
${strings.join('\n')}
    </stringTable>
    <presentationTable>
${presentations.join('\n')}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}

function plistValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '<true/>' : '<false/>';
  if (typeof value === 'number') return `<integer>${value}</integer>`;
  return `<string>${xml(value)}</string>`;
}

/** A configuration profile (managed preferences for the bundle id) setting every key to an example value. */
export function renderMobileconfig(identity: PolicyIdentity): string {
  const entries = POLICY_KEY_NAMES.map(
    (name) => `\t\t\t<!-- ${xml(POLICY_KEYS[name].title)} -->\n\t\t\t<key>${name}</key>\n\t\t\t${plistValue(EXAMPLES[name])}`,
  ).join('\n');
  // Fixed UUIDs: the example must be reproducible; an admin replaces them with their own.
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Generated from common/policy.ts by scripts/generate-policy-templates.ts; an example: keep the keys you need, replace the UUIDs. -->
<plist version="1.0">
<dict>
\t<key>PayloadContent</key>
\t<array>
\t\t<dict>
\t\t\t<key>PayloadType</key>
\t\t\t<string>${xml(identity.bundleId)}</string>
\t\t\t<key>PayloadIdentifier</key>
\t\t\t<string>${xml(identity.bundleId)}.policy</string>
\t\t\t<key>PayloadUUID</key>
\t\t\t<string>6B1F1C2E-0D7A-4E55-9C3B-2F4A5B6C7D80</string>
\t\t\t<key>PayloadVersion</key>
\t\t\t<integer>1</integer>
${entries}
\t\t</dict>
\t</array>
\t<key>PayloadDisplayName</key>
\t<string>${xml(identity.product)} policy</string>
\t<key>PayloadIdentifier</key>
\t<string>${xml(identity.bundleId)}.profile</string>
\t<key>PayloadType</key>
\t<string>Configuration</string>
\t<key>PayloadUUID</key>
\t<string>0C9E2A71-5B3D-4F68-8A1E-7D2C3B4A5F69</string>
\t<key>PayloadVersion</key>
\t<integer>1</integer>
</dict>
</plist>
`;
}

/** The demo branding's names (electron-builder.yml appId, productName). */
export const DEMO_POLICY_IDENTITY: PolicyIdentity = { vendor: 'Trayside', product: 'Trayside', bundleId: 'com.trayside.app' };

/** The generated files, relative to the repository root. */
export function policyTemplateFiles(identity: PolicyIdentity = DEMO_POLICY_IDENTITY): Record<string, string> {
  const name = id(identity.product).toLowerCase();
  return {
    [`assets/policy/${name}.admx`]: renderAdmx(identity),
    [`assets/policy/en-US/${name}.adml`]: renderAdml(identity),
    [`assets/policy/${name}.mobileconfig`]: renderMobileconfig(identity),
  };
}
