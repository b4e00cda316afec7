// The process boundaries are code too. These tests lint the fixtures in ./fixtures with the real
// eslint.config.js, each as if it lived at the path on its first line (`// lint-as: core/x.ts`):
// every hole the old deny-list had must now be an error of the named rule, and legal imports in
// every folder must stay legal — so a rule that stops working fails here either way.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const fixturesDir = path.join(import.meta.dirname, 'fixtures');
const eslint = new ESLint({ cwd: root });

const BOUNDARIES = 'boundaries/dependencies';
const RAW_IPC = 'trayside/no-raw-ipc';
const GLOBALS = 'no-restricted-globals';
const LONG = 'max-lines-per-function';

/** Fixture → the rule of each error it must produce (order-free, counted). */
const MUST_FAIL: Record<string, string[]> = {
  // The six holes the old deny-list let through.
  'fail-core-imports-host.ts': [BOUNDARIES],
  'fail-ipc-adapter-imports-renderer.ts': [BOUNDARIES],
  'fail-electron-default-ipcmain.ts': [RAW_IPC],
  'fail-core-dynamic-electron.ts': [BOUNDARIES],
  'fail-common-imports-ws-node-hid.ts': [BOUNDARIES, BOUNDARIES],
  'fail-decoders-node-globals.ts': [GLOBALS, GLOBALS],
  // The other spellings and folders.
  'fail-core-import-forms.ts': [BOUNDARIES, BOUNDARIES, BOUNDARIES, BOUNDARIES, BOUNDARIES],
  'fail-core-electron-types.ts': [BOUNDARIES],
  'fail-raw-ipc-forms.ts': [RAW_IPC, RAW_IPC, RAW_IPC, RAW_IPC, RAW_IPC],
  'fail-decoders-import-node.ts': [BOUNDARIES, BOUNDARIES],
  'fail-renderer-node-and-electron.tsx': [BOUNDARIES, BOUNDARIES, RAW_IPC, GLOBALS],
  'fail-host-page-imports-host.ts': [BOUNDARIES, GLOBALS],
  // A core function of 121 lines.
  'fail-core-long-function.ts': [LONG],
};

/** Fixtures of legal imports, one per row of ALLOWED_IMPORTS plus test files and the IPC adapter. */
const MUST_PASS = [
  'pass-common.ts',
  'pass-decoders.ts',
  'pass-decoders-test.ts',
  'pass-native.ts',
  'pass-core.ts',
  'pass-core-test.ts',
  'pass-host.ts',
  'pass-host-page.ts',
  'pass-main.ts',
  'pass-ipc-adapter.ts',
  'pass-electron-bridge.ts',
  'pass-renderer.tsx',
  'pass-server.ts',
];

interface Fixture {
  lintAs: string;
  code: string;
}

function readFixture(name: string): Fixture {
  const code = readFileSync(path.join(fixturesDir, name), 'utf8');
  const lintAs = /^\/\/ lint-as: (\S+)\n/.exec(code)?.[1];
  if (!lintAs) throw new Error(`${name} must start with "// lint-as: <path in the repo>"`);
  return { lintAs, code };
}

async function lint(code: string, lintAs: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, lintAs), warnIgnored: true });
  return result?.messages ?? [];
}

const ruleIds = (messages: Linter.LintMessage[]): (string | null)[] => messages.map((message) => message.ruleId).sort();
const describeAll = (messages: Linter.LintMessage[]): string => messages.map((m) => `${m.line}: ${m.ruleId}: ${m.message}`).join('\n');

describe('lint fixtures', () => {
  it('lists every fixture in the folder, so none goes unchecked', () => {
    const onDisk = readdirSync(fixturesDir).sort();
    expect(onDisk).toEqual([...Object.keys(MUST_FAIL), ...MUST_PASS].sort());
  });

  for (const [name, expected] of Object.entries(MUST_FAIL)) {
    it(`${name} fails with ${[...new Set(expected)].join(', ')}`, async () => {
      const { lintAs, code } = readFixture(name);
      const messages = await lint(code, lintAs);
      expect(ruleIds(messages), describeAll(messages)).toEqual([...expected].sort());
    });
  }

  for (const name of MUST_PASS) {
    it(`${name} lints clean, and the allow-list is live at its path`, async () => {
      const { lintAs, code } = readFixture(name);
      const clean = await lint(code, lintAs);
      expect(describeAll(clean)).toBe('');
      // The same file with one import no row allows must fail: a path the rule skipped would pass.
      const broken = await lint(`${code}import 'not-in-any-allow-list';\n`, lintAs);
      expect(ruleIds(broken), describeAll(broken)).toEqual([BOUNDARIES]);
    });
  }
});

describe('lint messages', () => {
  it("name the file's folder, what it imported and what the folder may import", async () => {
    const { lintAs, code } = readFixture('fail-core-imports-host.ts');
    const [message] = await lint(code, lintAs);
    expect(message?.message).toContain("core/ may not import '../host/node-host.js'");
    expect(message?.message).toContain(
      'folders common/, common/l10n/, native/, native/decoders/, core/, assets/; packages node:*, pino, pino-roll, zod',
    );
  });

  it('say where raw IPC belongs', async () => {
    const { lintAs, code } = readFixture('fail-electron-default-ipcmain.ts');
    const [message] = await lint(code, lintAs);
    expect(message?.message).toContain("'ipcMain' is used only in main/ipc-adapter.ts");
  });
});

describe('the real sources', () => {
  it('are under the boundary rules', async () => {
    for (const file of [
      'common/device.ts',
      'native/decoders/pjl.ts',
      'core/core.ts',
      'host/page/websocket-bridge.ts',
      'main/index.ts',
      'renderer/src/main.tsx',
      'server/app.ts',
    ]) {
      const { rules } = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, unknown> };
      expect(Object.keys(rules), file).toEqual(expect.arrayContaining([BOUNDARIES, RAW_IPC]));
    }
  });

  it('keep to the boundaries', async () => {
    const boundaryRules = new Set([BOUNDARIES, RAW_IPC, GLOBALS]);
    const strict = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => boundaryRules.has(ruleId) });
    const results = await strict.lintFiles(['common', 'native', 'core', 'host', 'main', 'preload', 'renderer', 'server', 'test/support']);
    const problems = results.flatMap((result) =>
      result.messages.map((m) => `${path.relative(root, result.filePath)}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  }, 120_000);
});
