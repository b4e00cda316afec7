import { readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileSync } from 'atomically';
import type { Settings } from '../../common/settings.js';
import type { SettingsStorage } from '../core/settings-service.js';

/**
 * Settings for the Node host as one JSON file, written atomically (temp file, fsync, rename, via
 * `atomically`) so a crash mid-write never leaves half a file. Chosen over `conf`, which wraps the
 * same library but also loads ajv: 16 MB of resident memory for a file the core already validates
 * with zod.
 */
export function fileSettingsStorage(dataDir: string, log: (message: string) => void = () => undefined): SettingsStorage {
  const file = resolve(dataDir, 'settings.json');
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return {}; // first start: no file yet
      }
      try {
        const stored = JSON.parse(text) as { settings?: unknown };
        return stored.settings ?? {};
      } catch {
        // Keep the damaged file for support instead of overwriting it with defaults.
        const kept = `${file}.damaged-${Date.now()}`;
        renameSync(file, kept);
        log(`settings: ${file} was not valid JSON; kept it as ${kept} and started from defaults`);
        return {};
      }
    },
    write(settings: Settings) {
      writeFileSync(file, `${JSON.stringify({ settings }, null, 2)}\n`, { mode: 0o600 });
    },
  };
}
