// Targeting evaluations per second: 50 realistic rules against a realistic context (two-device
// household, five supplies each), compiled closures vs json-logic-js's interpreter in the same run.
// Run: npx tsx bench/targeting.ts. Target: >= 200,000 evaluations/s, so a manifest of many campaigns is judged on every device change without a felt delay.
import { createRequire } from 'node:module';
import type { DeviceSnapshot } from '../common/device.js';
import { buildRuleContext, compileRule } from '../core/messages/targeting.js';

const jsonLogic = createRequire(import.meta.url)('json-logic-js') as {
  apply(rule: unknown, data: unknown): unknown;
  add_operation(name: string, code: unknown): void;
};

const colours = ['black', 'cyan', 'magenta', 'yellow'];
const snapshot: DeviceSnapshot = {
  id: 'usb-1',
  transport: 'usb-printer',
  identity: {
    manufacturer: 'Trayside',
    model: 'Trayside Demo Printer',
    firmware: '2.10.3',
    vendorId: 0x1234,
    productId: 0x0042,
    commandSet: ['PJL', 'PCL'],
  },
  state: 'attention',
  statusLine: 'Cyan low (8 %)',
  conditions: [{ code: 'toner-low', severity: 'warning', message: 'Cyan low' }],
  supplies: [
    ...colours.map((colour, index) => ({
      id: colour,
      name: `${colour} ink`,
      kind: 'ink' as const,
      role: 'consumable' as const,
      color: { name: colour, hex: '#000000' },
      level: { kind: 'percent' as const, percent: [64, 8, 41, 23][index]! },
      lowThreshold: 10,
      low: index === 1,
      empty: false,
      partNumber: `TS-805XL-${colour[0]!.toUpperCase()}`,
      daysLeft: [40, 6, 25, 14][index]!,
    })),
    {
      id: 'waste',
      name: 'Waste ink',
      kind: 'waste',
      role: 'receptacle',
      level: { kind: 'percent', percent: 70 },
      lowThreshold: 90,
      low: false,
      empty: false,
    },
  ],
  facts: {},
  stale: false,
  updatedAt: 0,
};
const context = buildRuleContext(
  {
    os: 'windows',
    osVersion: '10.0.22631',
    locale: 'de-DE',
    region: 'DE',
    appVersion: '1.4.2',
    daysSinceInstall: 97,
    crmSegments: ['loyal', 'xl-buyer', 'newsletter'],
  },
  snapshot,
);

// Ten shapes of rule an OEM writes, five variants of each = 50 rules.
const rules: unknown[] = [];
for (let variant = 0; variant < 5; variant += 1) {
  const colour = colours[variant % 4]!;
  rules.push(
    { '==': [{ var: 'device.model' }, variant === 0 ? 'Trayside Demo Printer' : `Model ${variant}`] },
    {
      some: [
        { var: 'supplies' },
        { and: [{ '==': [{ var: 'color' }, colour] }, { '!=': [{ var: 'level' }, null] }, { '<': [{ var: 'level' }, 10 + variant * 5] }] },
      ],
    },
    { and: [{ 'version<': [{ var: 'device.firmware' }, `2.${8 + variant}`] }, { in: [{ var: 'region' }, ['DE', 'AT', 'CH']] }] },
    { some: [{ var: 'supplies' }, { and: [{ '!=': [{ var: 'daysLeft' }, null] }, { '<=': [{ var: 'daysLeft' }, 7 + variant] }] }] },
    { in: [variant % 2 === 0 ? 'xl-buyer' : 'churn-risk', { var: 'crm.segments' }] },
    { and: [{ '>=': [{ var: 'daysSinceInstall' }, 30 * variant] }, { '==': [{ var: 'os' }, 'windows'] }] },
    { or: [{ in: ['media-jam', { var: 'errors' }] }, { in: ['toner-low', { var: 'errors' }] }] },
    { and: [{ starts_with: [{ var: 'locale' }, 'de'] }, { 'version>=': [{ var: 'appVersion' }, `1.${variant}`] }] },
    { all: [{ var: 'supplies' }, { or: [{ '==': [{ var: 'role' }, 'receptacle'] }, { '>': [{ var: 'level' }, 5 * variant] }] }] },
    { '==': [{ lower: [{ var: 'device.vendor' }] }, 'trayside'] },
  );
}
const compiled = rules.map((rule) => compileRule(rule));

function measure(label: string, evaluateAll: () => number, seconds = 1.5): number {
  let evaluations = 0;
  let matches = 0;
  // Warm up so the JIT has compiled the closures before timing.
  for (let i = 0; i < 2000; i += 1) matches += evaluateAll();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i += 1) matches += evaluateAll();
    evaluations += 200 * rules.length;
  }
  const perSecond = evaluations / ((performance.now() - start) / 1000);
  console.log(
    `${label.padEnd(34)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} evaluations/s  (${(1e9 / perSecond).toFixed(0)} ns each; ${matches > 0 ? 'some rules match' : 'none match'})`,
  );
  return perSecond;
}

// json-logic-js needs the Trayside operations registered to run the same rules (bench only; the app never calls add_operation).
const versionCompare = (a: string, b: string): number => {
  const x = a.split('.'),
    y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const d = Number(x[i] ?? 0) - Number(y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
};
jsonLogic.add_operation('version<', (a: string, b: string) => versionCompare(a, b) < 0);
jsonLogic.add_operation('version>=', (a: string, b: string) => versionCompare(a, b) >= 0);
jsonLogic.add_operation('starts_with', (a: string, b: string) => typeof a === 'string' && a.startsWith(b));
jsonLogic.add_operation('lower', (a: string) => (typeof a === 'string' ? a.toLowerCase() : null));

console.log(`targeting: ${rules.length} rules, context with ${context.supplies.length} supplies`);
const ours = measure('compiled (core/messages)', () => compiled.reduce((n, rule) => n + (rule(context) ? 1 : 0), 0));
const theirs = measure('json-logic-js 2.0.5 apply()', () =>
  rules.reduce<number>((n, rule) => n + (jsonLogic.apply(rule, context) ? 1 : 0), 0),
);
console.log(`compiled is ${(ours / theirs).toFixed(1)}x json-logic-js; target 200,000/s: ${ours >= 200_000 ? 'met' : 'NOT met'}`);
console.log(`whole manifest (50 rules) per device context: ${Math.round(ours / rules.length).toLocaleString('en-US')}/s`);
