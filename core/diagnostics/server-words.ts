import { ApiErrorSchema } from '../../common/diagnostics/api.js';

/**
 * The message of the support server's error body, or undefined when the body is not one (a proxy's
 * HTML page, an empty answer): the owner is shown the server's own words where there are some.
 */
export function supportServerWords(text: string): string | undefined {
  try {
    const error = ApiErrorSchema.safeParse(JSON.parse(text));
    return error.success ? error.data.message : undefined;
  } catch {
    return undefined;
  }
}
