import { createHash, randomUUID } from 'node:crypto';
import { createInstallAuthorization, type InstallAuthorization } from '../../core/events/install-authorization.js';
import { newInstallCredential } from '../../core/install-identity.js';

/** An install as the app has it after its first start: an id and a credential. */
export interface TestInstall {
  installId: string;
  credential: string;
  /** Headers of a request that speaks for this install. */
  headers: Record<string, string>;
}

/** A fresh install id and credential, not registered yet. */
export function newTestInstall(installId: string = randomUUID()): TestInstall {
  const credential = newInstallCredential();
  return { installId, credential, headers: { authorization: `Bearer ${credential}`, 'x-trayside-install': installId } };
}

/** Registers a (fresh or given) install with the backend at `url`, as the app does before its first upload. */
export async function registerTestInstall(url: string, install: TestInstall | string = newTestInstall()): Promise<TestInstall> {
  const given = typeof install === 'string' ? newTestInstall(install) : install;
  const response = await fetch(new URL('/v1/installs', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...given.headers },
    body: JSON.stringify({ installId: given.installId }),
  });
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`registering ${given.installId}: HTTP ${response.status} ${await response.text()}`);
  return given;
}

/** The app's registration for an uploader in a test, over the global fetch (so a test's request counter sees only uploads). */
export function testAuthorization(backendUrl: string, installId: string = randomUUID()): InstallAuthorization {
  return createInstallAuthorization({
    backendUrl,
    installId,
    credential: testCredential(installId),
    fetch: (url, init) => fetch(url, init),
  });
}

/** The same credential for an install id in every process of a test (a child that restarts registers the same pair again). */
export function testCredential(installId: string): string {
  return `ts_install_${createHash('sha256').update(`test:${installId}`).digest('base64url')}`;
}

/** Headers of a request for `installId` (its test credential), registering it with the backend at `url` first. */
export async function testInstallHeaders(url: string, installId: string): Promise<Record<string, string>> {
  const install: TestInstall = {
    installId,
    credential: testCredential(installId),
    headers: { authorization: `Bearer ${testCredential(installId)}`, 'x-trayside-install': installId },
  };
  await registerTestInstall(url, install);
  return install.headers;
}
