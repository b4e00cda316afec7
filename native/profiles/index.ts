// Declarative device profiles: the schema, the loader and the matcher.
export * from './profile-schema.js';
export * from './profiles.js';
