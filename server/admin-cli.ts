/** `npm run admin -- <command>`: the admin API from a shell (see admin-client.ts for commands). */
import { runAdminCli, type AdminCliIo } from './admin-client.js';
import { SUPPORT_COMMANDS, SUPPORT_USAGE, runSupportCommand } from './support/admin-commands.js';

const io: AdminCliIo = {
  env: process.env,
  cwd: process.cwd(),
  fetch,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Options of either CLI that take a value, so the command is found after them. */
const VALUE_OPTIONS = new Set(['--server', '--status', '--branding', '--data-dir', '--scope', '--limit', '--device']);

/** The command word of the arguments: the first one that is neither an option nor an option's value. */
function commandOf(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (VALUE_OPTIONS.has(arg)) index += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const command = commandOf(argv);
  if (command !== undefined && SUPPORT_COMMANDS.has(command)) return runSupportCommand(argv, io);
  const code = await runAdminCli(argv, io);
  // The support commands live in their own module; the help lists them with the rest.
  if (command === undefined && (argv.includes('--help') || argv.includes('-h'))) io.out(SUPPORT_USAGE);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`trayside admin: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
