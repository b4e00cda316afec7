import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { createAppLogger, readRecentLogs, splitSource } from './app-logger.js';

const tempDir = tempDirs();

describe('app logger', () => {
  it("writes the services' log(message) lines into the log files with level and source, and echoes them", async () => {
    const dir = tempDir('trayside-log-');
    const echoed: string[] = [];
    const now = 1_000;
    const logger = createAppLogger({ dir, clock: { now: () => now }, echo: (line) => echoed.push(line) });
    logger.log('devices: the printer answered');
    logger.write('debug', 'devices', 'not written at info');
    logger.setLevel('debug');
    logger.write('debug', 'devices', 'written in repro mode');
    await logger.close();
    const { entries } = await readRecentLogs(dir, 10_000_000);
    expect(entries.map((entry) => [entry.level, entry.source, entry.message])).toEqual([
      ['info', 'devices', 'the printer answered'],
      ['debug', 'devices', 'written in repro mode'],
    ]);
    expect(entries[0]!.time).toBe(1_000);
    expect(echoed[0]).toBe('devices: the printer answered');
  });

  it('stays within its size bound: old files are removed as it rolls over', async () => {
    const dir = tempDir('trayside-log-roll-');
    const logger = createAppLogger({ dir, clock: { now: () => 1 }, maxFileBytes: 4 * 1024, files: 3 });
    await logger.ready;
    for (let i = 0; i < 400; i++) {
      logger.log(`devices: line ${i} ${'x'.repeat(100)}`);
      if (i % 20 === 0) await logger.flush();
    }
    await logger.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const files = await readdir(dir);
    expect(files.length).toBeLessThanOrEqual(3);
    const { entries } = await readRecentLogs(dir, 1_000_000);
    expect(entries.at(-1)?.message).toMatch(/^line 399 /);
  });

  it('a burst of lines in one go cannot grow a file past its bound; what was left out is counted in the log', async () => {
    const dir = tempDir('trayside-log-burst-');
    const logger = createAppLogger({ dir, clock: { now: () => 1 }, maxFileBytes: 8 * 1024, files: 3 });
    await logger.ready;
    for (let i = 0; i < 1000; i++) logger.log(`devices: line ${i} ${'x'.repeat(100)}`);
    await new Promise((resolve) => setImmediate(resolve));
    logger.log('devices: after the burst');
    await logger.close();
    for (const name of await readdir(dir)) expect((await stat(join(dir, name))).size).toBeLessThan(2 * 8 * 1024);
    const { entries } = await readRecentLogs(dir, 1_000_000);
    const kept = entries.filter((entry) => entry.message.startsWith('line ')).length;
    expect(kept).toBeGreaterThan(0);
    expect(entries.map((entry) => entry.message)).toContain(
      `${1000 - kept} lines written at once were not kept (more than 8192 bytes in one go)`,
    );
    expect(entries.at(-1)?.message).toBe('after the burst');
  });

  it('takes the source from a "source: " prefix', () => {
    expect(splitSource('messages: off')).toEqual({ source: 'messages', message: 'off' });
    expect(splitSource('Listening on http://x')).toEqual({ source: 'app', message: 'Listening on http://x' });
  });
});
