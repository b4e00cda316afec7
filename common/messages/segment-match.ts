/** How a campaign's segment names product lines and locales; the manifest builder and the campaign preview both read them so. */

/** True when a campaign locale (`*`, `de`, `de-DE`) covers the manifest locale. */
export function localeCovers(entry: string, locale: string): boolean {
  return entry === '*' || entry === locale || locale.startsWith(`${entry}-`);
}

/** True when a campaign's product lines (`*` or slugs) include the manifest's product line. */
export function productLineCovers(lines: readonly string[], productLine: string): boolean {
  return lines.some((line) => line === '*' || line === productLine);
}
