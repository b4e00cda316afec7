// A Trayside message service in its own process, for crash tests: serves one signed manifest
// (a file) through a fake fetch, prints "delivered <id>" when a notification is shown and then
// hangs there (the parent kills it with SIGKILL at that moment), or prints the inbox and exits
// when nothing is delivered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrandingSchema } from '../../common/branding.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { loadInstallIdentitySync } from '../../core/install-identity.js';
import { createMessageService } from '../../core/messages/message-service.js';

const [dir, envelopeFile, publicKey] = process.argv.slice(2) as [string, string, string];
const body = readFileSync(envelopeFile, 'utf8');
const service = createMessageService({
  branding: BrandingSchema.parse({
    name: 'Test',
    backendUrl: 'http://127.0.0.1:9',
    signingKeys: [publicKey],
    productLine: 'trayside-demo',
  }),
  storageDir: dir,
  install: loadInstallIdentitySync({ path: join(dir, 'install.json'), now: systemClock.now(), log: () => undefined }),
  clock: systemClock,
  timers: systemTimers,
  fetch: async () => new Response(body, { status: 200, headers: { etag: '"v1"' } }),
  notifier: {
    show(notification) {
      process.stdout.write(`delivered ${notification.messageId}\n`);
      // Hang "while the notification is on screen": the parent kills us here.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
    },
    setBadge: () => undefined,
  },
  settings: {
    get: () => ({ ...DEFAULT_SETTINGS, locale: 'en' }),
    onChanged: () => ({ dispose: () => undefined }),
    notificationsPaused: () => false,
  },
  devices: { snapshots: () => [], onChanged: () => ({ dispose: () => undefined }) },
  environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
});
service.start();
await service.checkNow();
// A notification waits for the ledger's fsync (write-ahead); give one that is due the time to show before answering "nothing delivered".
await new Promise((resolve) => setTimeout(resolve, 1000));
process.stdout.write(`inbox ${JSON.stringify(service.inbox().items.map((item) => item.id))}\n`);
service.dispose();
process.exit(0);
