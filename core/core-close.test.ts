// A host quits or removes the data folder once `core.close()` resolves: nothing the core was writing may still be on its way.
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../common/settings.js';
import { FakeTime } from '../test/support/fake-time.js';
import { tempDirs } from '../test/support/temp-dirs.js';
import { testCoreOptions } from '../test/support/test-core.js';
import { createCore } from './core.js';
import { memorySettingsStorage } from './settings-service.js';

const makeDir = tempDirs();

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('Core.close', () => {
  it('resolves only once the events recorded just before it are in the queue file, and leaves no temp file', async () => {
    const dataDir = makeDir('trayside-close-');
    const time = new FakeTime();
    const core = createCore(
      testCoreOptions(time, { dataDir, settingsStorage: memorySettingsStorage({ ...DEFAULT_SETTINGS, consent: 'anonymous-usage' }) }),
    );
    await core.start();
    const engagement = await core.engagement;
    // Not awaited: the owner clicks, then quits at once.
    const recorded = Array.from({ length: 20 }, (_, index) =>
      engagement.record({ type: 'impression', campaignId: `campaign-${index}`, variantId: 'a' }),
    );
    await core.close();
    // Read before the record calls are awaited: close() alone must have waited for them.
    const lines = readFileSync(join(dataDir, 'events', 'events.log'), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines).toHaveLength(20);
    expect((await Promise.all(recorded)).every((result) => result.recorded)).toBe(true);
    expect(filesUnder(dataDir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    // What failed the CI once (ENOTEMPTY): the folder goes at the first try, no retries.
    await rm(dataDir, { recursive: true, force: true });
  });

  it('can be called before the event queue has opened, and twice', async () => {
    const dataDir = makeDir('trayside-close-early-');
    const core = createCore(testCoreOptions(new FakeTime(), { dataDir }));
    await Promise.all([core.close(), core.close()]);
    await expect(core.engagement).resolves.toBeDefined();
  });
});
