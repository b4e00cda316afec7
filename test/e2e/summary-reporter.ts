// Writes the tier summary every test tier leaves in .test-results/ (RULES.md: {"passed","failed","skipped"}).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Counts final outcomes (a retried test counts once) and writes .test-results/e2e.json. */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads this file's default export.
export default class SummaryReporter implements Reporter {
  private readonly outcomes = new Map<string, 'passed' | 'failed' | 'skipped'>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const outcome = result.status === 'skipped' ? 'skipped' : result.status === 'passed' ? 'passed' : 'failed';
    this.outcomes.set(test.id, outcome);
  }

  onEnd(): void {
    const summary = { passed: 0, failed: 0, skipped: 0 };
    for (const outcome of this.outcomes.values()) summary[outcome] += 1;
    const dir = resolve(import.meta.dirname, '../../.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'e2e.json'), `${JSON.stringify(summary)}\n`);
    process.stdout.write(`e2e: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
