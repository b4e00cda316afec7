// Writes .test-results/desktop.json ({"passed","failed","skipped"}, RULES.md) and prints the skip reason once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Counts final outcomes and writes the desktop tier's summary. */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads this file's default export.
export default class DesktopSummaryReporter implements Reporter {
  private readonly outcomes = new Map<string, 'passed' | 'failed' | 'skipped'>();
  private readonly skipReasons = new Set<string>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const outcome = result.status === 'skipped' ? 'skipped' : result.status === 'passed' ? 'passed' : 'failed';
    this.outcomes.set(test.id, outcome);
    if (outcome === 'skipped')
      for (const annotation of test.annotations)
        if (annotation.type === 'skip' && annotation.description) this.skipReasons.add(annotation.description);
  }

  onEnd(): void {
    const summary = { passed: 0, failed: 0, skipped: 0 };
    for (const outcome of this.outcomes.values()) summary[outcome] += 1;
    const dir = resolve(import.meta.dirname, '../../.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'desktop.json'), `${JSON.stringify(summary)}\n`);
    for (const reason of this.skipReasons) process.stdout.write(`desktop: skipped — ${reason}\n`);
    process.stdout.write(`desktop: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
