// `npm test`: runs every test tier that needs no VM, one after another, and ends with one plain
// line "N passed, N failed, N skipped" summed over the tiers (CI reads that line, not the
// runners' own summaries). Each tier leaves its counts in .test-results/<tier>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const results = resolve(root, '.test-results');
const only = process.argv.slice(2);
mkdirSync(resolve(results, 'raw'), { recursive: true });

/** Runs a command with output passed through; returns its exit code. */
function run(command, args, env = {}) {
  const child = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (child.error) console.error(`test-all: could not run ${command}: ${child.error.message}`);
  return child.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Counts from a tier that writes {passed, failed, skipped} itself. */
function ownCounts(tier) {
  return readJson(resolve(results, `${tier}.json`));
}

function record(tier, counts) {
  writeFileSync(resolve(results, `${tier}.json`), JSON.stringify(counts));
  return counts;
}

/** Leaves the counts of a tier whose runner crashed before reporting as one failure, never as zero tests. */
function crashed(tier, why) {
  console.error(`test-all: ${tier} tier did not report results (${why}); counting it as failed`);
  return record(tier, { passed: 0, failed: 1, skipped: 0 });
}

/**
 * Counts of a Playwright tier from its JSON report. A non-zero exit with no failed test (a global
 * setup that threw, a worker that died, a forbidden `.only`) counts as one failure, so neither
 * Playwright tier can pass while its runner failed.
 */
function playwrightCounts(tier, code, report) {
  if (!report?.stats) return crashed(tier, `playwright exited ${code}`);
  const { expected, unexpected, skipped, flaky } = report.stats;
  return record(tier, { passed: expected + flaky, failed: unexpected + (code !== 0 && unexpected === 0 ? 1 : 0), skipped });
}

const tiers = {
  unit() {
    const output = resolve(results, 'raw/vitest-report.json');
    rmSync(output, { force: true });
    const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`]);
    const report = readJson(output);
    if (!report) return crashed('unit', `vitest exited ${code}`);
    return record('unit', {
      passed: report.numPassedTests,
      failed: report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0),
      skipped: report.numPendingTests + report.numTodoTests,
    });
  },
  postgres() {
    if (process.env.TRAYSIDE_TEST_DATABASE_URL) {
      // A cluster of one's own (eval "$(scripts/pg/start.sh)") may come with TRAYSIDE_PG_DIR; without it the outage test skips, saying why.
      return runPostgresSuite(process.env.TRAYSIDE_TEST_DATABASE_URL, process.env.TRAYSIDE_PG_DIR ?? '');
    }
    if (!existsSync(resolve(root, 'scripts/pg/start.sh'))) return record('postgres', { passed: 0, failed: 0, skipped: 0 });
    const start = spawnSync('bash', ['scripts/pg/start.sh'], { cwd: root, encoding: 'utf8' });
    const url = start.stdout?.match(/postgres(?:ql)?:\/\/\S+/)?.[0];
    const clusterDir = start.stdout?.match(/TRAYSIDE_PG_DIR=(\S+)/)?.[1] ?? '';
    if (start.status !== 0 || !url) {
      const why = `PostgreSQL could not be started: ${(start.stderr || start.stdout || '').trim().split('\n').pop()}`;
      if (process.env.CI) return crashed('postgres', why);
      console.log(`test-all: skipping the PostgreSQL tier — ${why}. Install Debian's postgresql package to run it.`);
      return record('postgres', { passed: 0, failed: 0, skipped: 1 });
    }
    try {
      return runPostgresSuite(url, clusterDir);
    } finally {
      spawnSync('bash', ['scripts/pg/stop.sh'], { cwd: root, stdio: 'inherit', env: { ...process.env, TRAYSIDE_PG_DIR: clusterDir } });
    }
  },
  ipp() {
    if (!existsSync(resolve(root, 'scripts/ipp/run.sh'))) return record('ipp', { passed: 0, failed: 0, skipped: 0 });
    rmSync(resolve(results, 'ipp.json'), { force: true });
    const code = run('bash', ['scripts/ipp/run.sh']);
    return ownCounts('ipp') ?? crashed('ipp', `exit ${code}`);
  },
  cups() {
    // A real cupsd (own config dir and port) with an ippeveprinter queue: scripts/cups/run.sh.
    if (!existsSync(resolve(root, 'scripts/cups/run.sh'))) return record('cups', { passed: 0, failed: 0, skipped: 0 });
    rmSync(resolve(results, 'cups.json'), { force: true });
    const code = run('bash', ['scripts/cups/run.sh']);
    return ownCounts('cups') ?? crashed('cups', `exit ${code}`);
  },
  nginx() {
    // The static export for a CDN, served by Debian's nginx (own config, loopback port, as nobody) to the app's real manifest source.
    if (!existsSync('/usr/sbin/nginx') && !process.env.TRAYSIDE_NGINX) {
      const why = 'nginx is not installed (apt-get install -y nginx-light)';
      if (process.env.CI) return crashed('nginx', why);
      console.log(`test-all: skipping the nginx tier — ${why}`);
      return record('nginx', { passed: 0, failed: 0, skipped: 1 });
    }
    return vitestTier('nginx', 'test/nginx/vitest.config.ts');
  },
  multinode() {
    // Three server processes on a PostgreSQL cluster of the tier's own, which the test stops and starts.
    if (!existsSync(resolve(root, 'scripts/pg/start.sh'))) return record('multinode', { passed: 0, failed: 0, skipped: 0 });
    const start = spawnSync('bash', ['scripts/pg/start.sh'], { cwd: root, encoding: 'utf8' });
    const url = start.stdout?.match(/postgres(?:ql)?:\/\/\S+/)?.[0];
    const clusterDir = start.stdout?.match(/TRAYSIDE_PG_DIR=(\S+)/)?.[1] ?? '';
    if (start.status !== 0 || !url) {
      const why = `PostgreSQL could not be started: ${(start.stderr || start.stdout || '').trim().split('\n').pop()}`;
      if (process.env.CI) return crashed('multinode', why);
      console.log(`test-all: skipping the multi-node tier — ${why}. Install Debian's postgresql package to run it.`);
      return record('multinode', { passed: 0, failed: 0, skipped: 1 });
    }
    try {
      return vitestTier('multinode', 'test/multinode/vitest.config.ts', { TRAYSIDE_TEST_DATABASE_URL: url, TRAYSIDE_PG_DIR: clusterDir });
    } finally {
      spawnSync('bash', ['scripts/pg/stop.sh'], { cwd: root, stdio: 'inherit', env: { ...process.env, TRAYSIDE_PG_DIR: clusterDir } });
    }
  },
  e2e() {
    const output = resolve(root, 'test-results/e2e.json');
    rmSync(output, { force: true });
    const build = run('npm', ['run', 'build', '--silent']);
    if (build !== 0) return crashed('e2e', 'the build failed');
    const code = run('npx', ['playwright', 'test']);
    return playwrightCounts('e2e', code, readJson(output));
  },
  desktop() {
    // Playwright's Electron driver needs the Electron binary, which cannot be downloaded here;
    // the specs run on Windows and macOS in .github/workflows/desktop.yml.
    const config = resolve(root, 'test/desktop/playwright.config.ts');
    if (!existsSync(config)) return record('desktop', { passed: 0, failed: 0, skipped: 0 });
    const output = resolve(root, 'test-results/desktop.json');
    rmSync(output, { force: true });
    const code = run('npx', ['playwright', 'test', '-c', config]);
    return playwrightCounts('desktop', code, readJson(output));
  },
};

/** Runs a vitest tier with its own config and records its counts from vitest's JSON report. */
function vitestTier(tier, config, env = {}) {
  const output = resolve(results, `raw/${tier}-report.json`);
  rmSync(output, { force: true });
  const code = run('npx', ['vitest', 'run', '-c', config, '--reporter=default', '--reporter=json', `--outputFile.json=${output}`], env);
  const report = readJson(output);
  if (!report) return crashed(tier, `vitest exited ${code}`);
  return record(tier, {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0),
    skipped: report.numPendingTests + report.numTodoTests,
  });
}

/** `clusterDir` is the scripts/pg/start.sh cluster: the outage suite stops and restarts it with scripts/pg/cluster.sh. */
function runPostgresSuite(url, clusterDir) {
  const output = resolve(results, 'raw/postgres-report.json');
  rmSync(output, { force: true });
  // Only the suites written for PostgreSQL (file names with "postgres"); the rest ran in the unit tier.
  // One file at a time: the outage suite stops the cluster the others use.
  const code = run(
    'npx',
    ['vitest', 'run', 'postgres', '--no-file-parallelism', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`],
    {
      TRAYSIDE_TEST_DATABASE_URL: url,
      TRAYSIDE_PG_DIR: clusterDir,
    },
  );
  const report = readJson(output);
  if (!report) return crashed('postgres', `vitest exited ${code}`);
  return record('postgres', { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests });
}

const selected = only.length > 0 ? only : Object.keys(tiers);
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const name of selected) {
  const tier = tiers[name];
  if (!tier) {
    console.error(`test-all: no tier named "${name}"; tiers are ${Object.keys(tiers).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${name} tier ===`);
  const counts = tier();
  console.log(`=== ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ===`);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
