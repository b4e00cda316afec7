import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { urlLog } from './url-log.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Node host URL log', () => {
  it('appends each opened link to the file, readable by its owner only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trayside-url-log-'));
    const file = join(dir, 'urls.log');
    const open = urlLog(() => undefined, file);
    await open('https://store.example.com/a');
    await open('https://store.example.com/b');
    expect(readFileSync(file, 'utf8')).toBe('https://store.example.com/a\nhttps://store.example.com/b\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps opening links when the file cannot be written, and says so once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trayside-url-log-'));
    // A directory in the file's place (as root, a read-only file would still be writable).
    const file = join(dir, 'urls.log');
    mkdirSync(file);
    const lines: string[] = [];
    const open = urlLog((line) => lines.push(line), file);
    await expect(open('https://store.example.com/a')).resolves.toBeUndefined();
    await expect(open('https://store.example.com/b')).resolves.toBeUndefined();
    expect(lines.filter((line) => line.startsWith('open-external: https://'))).toHaveLength(2);
    expect(lines.filter((line) => line.includes(`cannot write the URL log at ${file} (EISDIR`))).toHaveLength(1);
  });
});
