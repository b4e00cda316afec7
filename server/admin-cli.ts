/** `npm run admin -- <command>`: the admin API from a shell (see admin-client.ts for commands). */
import { runAdminCli } from './admin-client.js';

runAdminCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  fetch,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`trayside admin: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
