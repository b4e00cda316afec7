/** Messages: campaign input, signed manifests, targeting rules and their context (DESIGN.md, Messages). */
export * from './api.js';
export * from './campaign.js';
export * from './content.js';
export * from './issues.js';
export * from './manifest.js';
export * from './rule.js';
export * from './rule-context.js';
export * from './variant.js';
export * from './links.js';
export * from './guide.js';
export * from './group-caps.js';
