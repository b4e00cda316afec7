import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describeError } from '../../common/errors.js';
import { ApiErrorSchema } from '../../common/messages/index.js';
import {
  UPDATE_FORMAT,
  UpdateChannelSchema,
  UpdateReleaseSchema,
  VersionSchema,
  type UpdateArch,
  type UpdateFile,
  type UpdateFileKind,
  type UpdatePlatform,
  type UpdateRelease,
} from '../../common/updates.js';
import { adminTokenFile, DEFAULT_DATA_DIR } from '../local-config.js';
import { BlobResultSchema } from './routes.js';
import { createUpdateKeyFile, readUpdateKeyFile } from './update-key.js';

/** What the release commands touch (the admin CLI's io). */
export interface ReleaseCliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  fetch: typeof fetch;
  out(line: string): void;
  err(line: string): void;
}

export const RELEASE_USAGE = `  release keygen --out FILE    make an update signing key (kept by the publisher, never the server)
                               and print the public key for the branding's updates.publicKeys
  release publish --version V --channel stable|beta --rollout PERCENT [--notes TEXT] FILES...
                               upload installers, sign the release with --update-key FILE
                               (env TRAYSIDE_UPDATE_KEY) and make it the channel's current one;
                               publishing the same version again changes its rollout
                               (kinds from the extension: .exe nsis, .msi, .dmg, .pkg, .zip (macOS),
                               .AppImage; arch from the name: x64, arm64, universal, else
                               --arch; an .exe without one is electron-builder's x64+arm64 installer)`;

class ReleaseCliError extends Error {}

/** Platform, kind and arches of an installer, from its name (electron-builder's artifact names). */
export function describeArtifact(
  name: string,
  archOption: UpdateArch | undefined,
): { platform: UpdatePlatform; kind: UpdateFileKind; arches: UpdateArch[] } {
  const lower = name.toLowerCase();
  const kinds: [string, UpdatePlatform, UpdateFileKind][] = [
    ['.exe', 'win32', 'nsis'],
    ['.msi', 'win32', 'msi'],
    ['.dmg', 'darwin', 'dmg'],
    ['.pkg', 'darwin', 'pkg'],
    ['.zip', 'darwin', 'zip'],
    ['.appimage', 'linux', 'appimage'],
  ];
  const found = kinds.find(([extension]) => lower.endsWith(extension));
  if (!found) throw new ReleaseCliError(`${name}: not an installer this command knows (.exe, .msi, .dmg, .pkg, .zip, .AppImage).`);
  const [, platform, kind] = found;
  const named = (['arm64', 'universal', 'x64'] as const).filter((arch) => lower.includes(arch));
  if (archOption) return { platform, kind, arches: [archOption] };
  if (named.length === 1) return { platform, kind, arches: [named[0]!] };
  if (named.length === 0 && platform === 'win32' && kind === 'nsis') return { platform, kind, arches: ['x64', 'arm64'] };
  if (named.length === 0 && platform === 'darwin') return { platform, kind, arches: ['universal'] };
  if (named.length === 0 && platform === 'linux') return { platform, kind, arches: ['x64'] };
  throw new ReleaseCliError(`${name}: cannot tell its architecture from the name; pass --arch x64, arm64 or universal.`);
}

async function sha512Of(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** Runs `release <subcommand> …`; returns the exit code. */
export async function runReleaseCli(argv: readonly string[], io: ReleaseCliIo): Promise<number> {
  const args = [...argv];
  const options: Record<string, string> = {};
  const files: string[] = [];
  const valued = new Set(['--version', '--channel', '--rollout', '--notes', '--update-key', '--out', '--server', '--data-dir', '--arch']);
  while (args.length > 0) {
    const arg = args.shift()!;
    if (valued.has(arg)) {
      const value = args.shift();
      if (value === undefined) {
        io.err(`${arg} needs a value.\n${RELEASE_USAGE}`);
        return 2;
      }
      options[arg] = value;
    } else if (arg === '--help' || arg === '-h') {
      io.out(`Usage: npm run admin -- release <command>\n${RELEASE_USAGE}`);
      return 0;
    } else if (arg.startsWith('--')) {
      io.err(`Unknown option ${arg}.\n${RELEASE_USAGE}`);
      return 2;
    } else files.push(arg);
  }
  const [command, ...rest] = files;
  try {
    if (command === 'keygen') {
      const out = options['--out'];
      if (!out) throw new ReleaseCliError(`release keygen needs --out FILE.\n${RELEASE_USAGE}`);
      const created = await createUpdateKeyFile(path.resolve(io.cwd, out)).catch((error: NodeJS.ErrnoException) => {
        throw new ReleaseCliError(
          error.code === 'EEXIST'
            ? `${out} exists; a key is never overwritten. Choose another --out.`
            : `Cannot write ${out}: ${describeError(error)}`,
        );
      });
      io.out(
        `Wrote ${out} (keep it off the server, like a code-signing key).\nkeyId:     ${created.keyId}\npublicKey: ${created.publicKey}\nPut the public key in the branding config: "updates": { "publicKeys": ["${created.publicKey}"], … }`,
      );
      return 0;
    }
    if (command === 'publish') return await publish(rest, options, io);
    io.err(
      `Unknown release command ${command === undefined ? '(none)' : `"${command}"`}.\nUsage: npm run admin -- release <command>\n${RELEASE_USAGE}`,
    );
    return 2;
  } catch (error) {
    if (error instanceof ReleaseCliError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

async function publish(files: string[], options: Record<string, string>, io: ReleaseCliIo): Promise<number> {
  const version = VersionSchema.safeParse(options['--version']);
  if (!version.success)
    throw new ReleaseCliError(`--version: ${options['--version'] === undefined ? 'required' : version.error.issues[0]?.message}`);
  const channel = UpdateChannelSchema.safeParse(options['--channel'] ?? 'stable');
  if (!channel.success) throw new ReleaseCliError('--channel: use stable or beta.');
  const rollout = Number(options['--rollout'] ?? '100');
  if (!Number.isFinite(rollout) || rollout < 0 || rollout > 100)
    throw new ReleaseCliError(`--rollout: a percentage from 0 to 100, not "${options['--rollout']}".`);
  if (files.length === 0) throw new ReleaseCliError(`release publish needs at least one installer file.\n${RELEASE_USAGE}`);
  const archOption = options['--arch'] as UpdateArch | undefined;
  if (archOption !== undefined && !['x64', 'arm64', 'universal'].includes(archOption))
    throw new ReleaseCliError('--arch: use x64, arm64 or universal.');
  const keyFile = options['--update-key'] ?? io.env.TRAYSIDE_UPDATE_KEY;
  if (!keyFile)
    throw new ReleaseCliError(
      'Sign with --update-key FILE (or env TRAYSIDE_UPDATE_KEY); make a key with "npm run admin -- release keygen --out FILE".',
    );
  const key = await readUpdateKeyFile(path.resolve(io.cwd, keyFile)).catch((error: unknown) => {
    throw new ReleaseCliError(describeError(error));
  });
  const server = options['--server'] ?? io.env.TRAYSIDE_SERVER_URL ?? 'http://127.0.0.1:8787';
  const token = await adminToken(options['--data-dir'], io);

  // Everything is read and checked before anything is uploaded, so a typo publishes nothing.
  const artifacts = [];
  for (const file of files) {
    const full = path.resolve(io.cwd, file);
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) throw new ReleaseCliError(`${file}: no such file.`);
    const name = path.basename(full);
    artifacts.push({ full, name, size: info.size, ...describeArtifact(name, archOption) });
  }

  const entries: UpdateFile[] = [];
  for (const artifact of artifacts) {
    const sha512 = await sha512Of(artifact.full);
    const uploaded = await call(io, server, token, 'PUT', `/v1/admin/updates/blobs?name=${encodeURIComponent(artifact.name)}`, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(artifact.size) },
      body: Readable.toWeb(createReadStream(artifact.full)) as ReadableStream,
      duplex: 'half',
    });
    const blob = BlobResultSchema.parse(uploaded);
    if (blob.sha512 !== sha512 || blob.size !== artifact.size)
      throw new ReleaseCliError(
        `${artifact.name}: the server received different bytes (${blob.size} bytes) than were sent (${artifact.size}); try again.`,
      );
    for (const arch of artifact.arches)
      entries.push({
        platform: artifact.platform,
        arch,
        kind: artifact.kind,
        name: artifact.name,
        url: blob.url,
        size: artifact.size,
        sha512,
      });
    io.out(`uploaded ${artifact.name} (${artifact.size} bytes, ${artifact.platform} ${artifact.arches.join('+')} ${artifact.kind})`);
  }
  const release: UpdateRelease = UpdateReleaseSchema.parse({
    format: UPDATE_FORMAT,
    // The same version on the same channel keeps its id, so re-publishing to raise the rollout keeps every install's bucket.
    releaseId: `${version.data}-${channel.data}`.toLowerCase(),
    version: version.data,
    channel: channel.data,
    publishedAt: new Date().toISOString(),
    rolloutPercent: rollout,
    ...(options['--notes'] === undefined ? {} : { releaseNotes: options['--notes'] }),
    files: entries,
  });
  const envelope = key.sign(JSON.stringify(release));
  await call(io, server, token, 'PUT', `/v1/admin/updates/releases/${channel.data}`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(envelope),
  });
  io.out(
    `published ${release.version} on ${release.channel} to ${rollout} % of installs (signed by update key ${key.keyId}); installs see it at their next update check.`,
  );
  return 0;
}

async function adminToken(dataDir: string | undefined, io: ReleaseCliIo): Promise<string> {
  if (io.env.TRAYSIDE_ADMIN_TOKEN) return io.env.TRAYSIDE_ADMIN_TOKEN;
  const file = adminTokenFile(path.resolve(io.cwd, dataDir ?? io.env.TRAYSIDE_DATA_DIR ?? DEFAULT_DATA_DIR));
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new ReleaseCliError(
      `No admin token at ${file}. Pass the server's data folder with --data-dir DIR (or TRAYSIDE_DATA_DIR), or set TRAYSIDE_ADMIN_TOKEN.`,
    );
  }
}

async function call(
  io: ReleaseCliIo,
  server: string,
  token: string,
  method: string,
  route: string,
  init: RequestInit & { duplex?: 'half' },
): Promise<unknown> {
  let response: Response;
  try {
    response = await io.fetch(new URL(route, server), {
      ...init,
      method,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
  } catch (error) {
    throw new ReleaseCliError(
      `Cannot reach the server at ${server} (${describeError((error as Error).cause ?? error)}). Is \`npm run server\` running? Use --server to point elsewhere.`,
    );
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ApiErrorSchema.safeParse(json);
    throw new ReleaseCliError(`${method} ${route.split('?')[0]}: ${parsed.success ? parsed.data.message : `HTTP ${response.status}`}`);
  }
  return json;
}
