// `npm run preview -- <campaign.json> --device <state.json>`: a draft campaign in the real panel,
// against a chosen device state, without publishing it anywhere but a throwaway backend on this
// machine (host/preview-session.ts). Prints why the draft matches or not, then the panel's URL.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '../common/errors.js';
import { formatPreview } from '../common/messages/preview-format.js';
import { PortInUseError } from './node-host.js';
import { PreviewInputError, readPreviewCampaign, readPreviewDeviceState } from './preview-files.js';
import { PreviewSetupError, startPreviewSession, type PreviewSession } from './preview-session.js';

const USAGE = `Usage: npm run preview -- <campaign.json> --device <state.json> [--port N] [--variant ID] [--branding FILE] [--verbose]
  <campaign.json>  the draft campaign (the format "npm run admin -- publish" takes)
  --device FILE    the device state to preview against (model, supplies, region, locale, time zone;
                   the format "npm run admin -- preview" takes)
  --port N         the panel's port on 127.0.0.1 (default 0: a free one)
  --variant ID     the variant the panel shows (default the first one not paused)
  --branding FILE  an OEM branding config for the panel (default the bundled demo branding)
  --verbose        the app's and the backend's log lines on stderr`;

/** A usage or input problem: one line, exit 2. */
function fail(message: string, usage = false): never {
  process.stderr.write(`preview: ${message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exit(2);
}

function parseCommandLine(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        device: { type: 'string' },
        port: { type: 'string' },
        variant: { type: 'string' },
        branding: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    fail(describeError(error), true);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1) fail(positionals.length === 0 ? 'name the draft campaign file.' : 'give one campaign file.', true);
  if (values.device === undefined) fail('--device <state.json> is required.', true);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0–65535, got "${values.port}".`, true);
  return {
    campaignFile: positionals[0]!,
    deviceFile: values.device,
    port,
    variant: values.variant,
    branding: values.branding,
    verbose: values.verbose === true,
  };
}

/** The checkout's root: this file runs from host/ under tsx and from out/node/host/ once compiled. */
function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const args = parseCommandLine(process.argv.slice(2));
let campaign;
let state;
try {
  campaign = await readPreviewCampaign(args.campaignFile, process.cwd());
  state = await readPreviewDeviceState(args.deviceFile, process.cwd());
} catch (error) {
  if (error instanceof PreviewInputError) fail(error.message);
  throw error;
}
// Intl reads TZ when it is set, so the app's "device" schedules and quiet hours run in the owner's zone.
process.env.TZ = state.timeZone;

const log = args.verbose ? (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`) : () => undefined;
const dir = await mkdtemp(join(tmpdir(), 'trayside-preview-'));
let session: PreviewSession;
try {
  session = await startPreviewSession({
    campaign,
    state,
    root: projectRoot(),
    dir,
    variant: args.variant,
    branding: args.branding,
    port: args.port,
    fromSource: import.meta.url.endsWith('.ts'),
    log,
  });
} catch (error) {
  if (error instanceof PreviewInputError) fail(error.message);
  if (error instanceof PreviewSetupError || error instanceof PortInUseError) {
    process.stderr.write(`preview: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`preview: ${describeError(error)}\n`);
  process.exit(1);
}

process.stdout.write(`${formatPreview(session.preview, state, 'published only to a throwaway backend on this machine')}\n\n`);
for (const note of session.notes) process.stdout.write(`Note: ${note}\n`);
process.stdout.write(
  `${session.preview.matched ? `The panel shows variant ${session.variant}` : 'The panel shows no message for this state (see above)'} as the owner would see it.\n`,
);
process.stdout.write(`Preview panel: ${session.url}\nCtrl+C ends the preview and removes ${dir}.\n`);

const shutdown = (): void => {
  void session.close().finally(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
