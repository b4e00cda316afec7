import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createSigner, signingKeyFromPem, type RotatingSigner, type Signer } from './signing.js';
import { describeError } from '../common/errors.js';

/** How often the key file is looked at (a stat): rotation shows up within this long, or at once on SIGHUP. */
export const DEFAULT_KEY_FILE_CHECK_MS = 2000;

/** Reads and parses a key file into a signer; throws with the file's name, the problem and the fix. */
function signerFromText(file: string, text: string): Signer {
  try {
    return createSigner(signingKeyFromPem(text));
  } catch (error) {
    throw new Error(`signing key file ${file}: ${describeError(error)}`, { cause: error });
  }
}

/** The signer of a key file at start-up: a file that cannot be read or parsed stops the start. */
export function readSigningKeyFileSync(file: string): Signer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`signing key file ${file} cannot be read (${describeError(error)}); pass --signing-key with a PKCS#8 PEM Ed25519 key`, {
      cause: error,
    });
  }
  return signerFromText(file, text);
}

/** A watched key file; `check()` re-reads it now (SIGHUP, tests). */
export interface SigningKeyFileWatch {
  check(): Promise<void>;
  stop(): void;
}

/**
 * Re-reads the key file when it changes (a stat poll, so an editor's or a deploy's rename over the
 * file is seen as well as an in-place write) and moves the signer to the new key once it parses.
 * Until then the old key keeps signing: a half-written, damaged or wrong-type file is logged once
 * per version of the file and otherwise ignored, so a rotation can never leave the fleet unsigned.
 */
export function watchSigningKeyFile(
  file: string,
  signer: RotatingSigner,
  options: { log: (message: string) => void; intervalMs?: number },
): SigningKeyFileWatch {
  let lastProblem: string | undefined;
  let checking: Promise<void> | undefined;
  const check = (): Promise<void> =>
    (checking ??= (async () => {
      try {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          throw new Error(`signing key file ${file} cannot be read (${describeError(error)})`, { cause: error });
        }
        const next = signerFromText(file, text);
        lastProblem = undefined;
        if (next.info.keyId === signer.info.keyId) return;
        const previous = signer.info.keyId;
        signer.replace(next);
        options.log(`signing key rotated: keyId ${previous} → ${next.info.keyId} (from ${file}); manifests are re-signed with it`);
      } catch (error) {
        const problem = describeError(error);
        if (problem !== lastProblem) options.log(`${problem}; still signing with keyId ${signer.info.keyId}`);
        lastProblem = problem;
      }
    })().finally(() => {
      checking = undefined;
    }));
  const onChange = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino || current.size !== previous.size) void check();
  };
  watchFile(file, { interval: options.intervalMs ?? DEFAULT_KEY_FILE_CHECK_MS, persistent: false }, onChange);
  return {
    check,
    stop: () => unwatchFile(file, onChange),
  };
}
