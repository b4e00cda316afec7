import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run devices -- --network` inside the discovery tier's namespace (scripts/ipp/run.sh): the
// CLI browses every interface, as on an owner's machine, and finds the responder across the veth pair.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const appAddress = process.env.TRAYSIDE_DISCOVERY_INTERFACE ?? '';
const printerAddress = process.env.TRAYSIDE_DISCOVERY_PRINTER ?? '';
if (!appAddress)
  console.info(
    'skipped: npm run devices -- --network: no network namespace with a responder (scripts/ipp/run.sh builds one when run as root)',
  );

describe.skipIf(!appAddress)('npm run devices -- --network', () => {
  it('lists the printer on the network with the address to give --ipp', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'native/cli/devices.ts', '--network', '--vendor', '0x1234'], {
      cwd: root,
      timeout: 60_000,
    });
    expect(stdout).toContain('Printers on the network (read one with --ipp URI):');
    expect(stdout).toMatch(
      new RegExp(`  Trayside Lab Printer \\(Trayside Discovered IPP\\): ipps://${printerAddress.replace(/\./g, '\\.')}:8631/ipp/print`),
    );
  }, 60_000);
});
