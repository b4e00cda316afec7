import type { z } from 'zod';
import { BackendUrlSchema, PublicKeySchema, type Branding } from '../../common/branding.js';
import { SlugSchema } from '../../common/messages/campaign.js';

/** What the development flags override in the branding config. */
export interface MessageFlags {
  backend: string | undefined;
  publicKey: string | undefined;
  productLine: string | undefined;
}

/**
 * The branding with `--backend`, `--public-key` and `--product-line` applied (a quick way to point
 * the demo at another server without writing a branding file). Throws naming the flag.
 */
export function applyMessageFlags(branding: Branding, flags: MessageFlags): Branding {
  const check = <T>(flag: string, schema: z.ZodType<T>, value: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(`${flag}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  };
  return {
    ...branding,
    ...(flags.backend !== undefined ? { backendUrl: check('--backend', BackendUrlSchema, flags.backend) } : {}),
    ...(flags.publicKey !== undefined ? { signingKeys: [check('--public-key', PublicKeySchema, flags.publicKey)] } : {}),
    ...(flags.productLine !== undefined ? { productLine: check('--product-line', SlugSchema, flags.productLine) } : {}),
  };
}
