import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StagedUpdate } from './staging.js';

/**
 * electron-updater installs an update only from a feed it downloaded itself (NSIS with elevation
 * on Windows, Squirrel.Mac on macOS). At launch the app hands it the installer this core already
 * verified, through a feed on 127.0.0.1 that serves exactly that file: electron-updater's own
 * sha512 check then runs against the digest the Ed25519-signed metadata gave, and the bytes
 * never leave the machine again.
 */

/** electron-builder's update info (latest.yml) for one staged installer. JSON strings are valid YAML scalars. */
export function updateInfoYaml(staged: StagedUpdate, options: { adminRightsRequired: boolean }): string {
  const quote = (value: string): string => JSON.stringify(value);
  return [
    `version: ${quote(staged.version)}`,
    'files:',
    `  - url: ${quote(staged.file.name)}`,
    `    sha512: ${quote(staged.file.sha512)}`,
    `    size: ${staged.file.size}`,
    `path: ${quote(staged.file.name)}`,
    `sha512: ${quote(staged.file.sha512)}`,
    `releaseDate: ${quote(new Date(staged.stagedAt).toISOString())}`,
    // A per-machine install is replaced by an elevated installer (electron-updater's elevate.exe).
    `isAdminRightsRequired: ${options.adminRightsRequired}`,
    '',
  ].join('\n');
}

/** A running loopback feed; close it once electron-updater has its copy. */
export interface StagedFeed {
  /** The generic-provider URL (a random path, so nothing else on the machine stumbles into it). */
  url: string;
  close(): Promise<void>;
}

/** Serves `latest.yml`, `latest-mac.yml` and the staged installer under a random path on 127.0.0.1. */
export async function serveStagedUpdate(staged: StagedUpdate, options: { adminRightsRequired: boolean }): Promise<StagedFeed> {
  const prefix = `/${randomBytes(16).toString('hex')}/`;
  const yaml = updateInfoYaml(staged, options);
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    if (path === `${prefix}latest.yml` || path === `${prefix}latest-mac.yml`) {
      response.writeHead(200, { 'content-type': 'text/yaml; charset=utf-8', 'cache-control': 'no-store' }).end(yaml);
      return;
    }
    if (path === `${prefix}${staged.file.name}`) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': staged.file.size });
      createReadStream(staged.path).pipe(response);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
