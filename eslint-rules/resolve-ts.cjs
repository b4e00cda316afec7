// An eslint-module-utils resolver (interface v2) for this repo's relative imports, which name the
// emitted file ('./x.js') while the source is x.ts or x.tsx, and may carry a bundler query
// ('../assets/tray.png?asset'). eslint-plugin-boundaries uses it to know which folder an import
// lands in. Bare specifiers are left unresolved on purpose: the plugin then classifies them as
// packages by name, which is what the allow-list in eslint.config.js is written against.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

exports.interfaceVersion = 2;

function isFile(candidate) {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

exports.resolve = function resolve(source, file) {
  if (!source.startsWith('./') && !source.startsWith('../')) return { found: false };
  const base = path.resolve(path.dirname(file), source.replace(/\?.*$/, ''));
  const stem = base.replace(/\.(js|jsx|mjs|cjs)$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.d.ts`,
    `${stem}.mts`,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
  ];
  const found = candidates.find(isFile);
  return found ? { found: true, path: found } : { found: false };
};
