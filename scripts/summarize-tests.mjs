// Sums the counts every tier left in .test-results/<tier>.json into the one closing line CI reads.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '../.test-results');
const totals = { passed: 0, failed: 0, skipped: 0 };
let files = [];
try {
  files = readdirSync(dir).filter((name) => name.endsWith('.json'));
} catch {
  // No results at all: nothing ran, which is a failure, not a pass.
}
for (const name of files.sort()) {
  const counts = JSON.parse(readFileSync(resolve(dir, name), 'utf8'));
  console.log(
    `  ${name.replace(/\.json$/, '').padEnd(10)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped ?? 0} skipped`,
  );
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped ?? 0;
}
if (files.length === 0) totals.failed += 1;
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
