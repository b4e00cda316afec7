import { createHash } from 'node:crypto';

/**
 * A uniform number in [0, 1) from the first 48 bits of SHA-256(text): the same text gives the same
 * place on every machine and every run, which is what holdouts and staged rollouts assign by.
 */
export function unitHash(text: string): number {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
