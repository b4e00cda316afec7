/** How a campaign's segment names product lines, locales and regions; the manifest builder, the app's delivery plan and the campaign preview all read them so. */

/** True when a campaign locale (`*`, `de`, `de-DE`) covers the manifest locale. */
export function localeCovers(entry: string, locale: string): boolean {
  return entry === '*' || entry === locale || locale.startsWith(`${entry}-`);
}

/** True when a campaign's product lines (`*` or slugs) include the manifest's product line. */
export function productLineCovers(lines: readonly string[], productLine: string): boolean {
  return lines.some((line) => line === '*' || line === productLine);
}

/** True when a campaign's regions (none = every region) include the install's region; an unknown region matches only a campaign that names none. */
export function regionCovers(regions: readonly string[], region: string | null): boolean {
  return regions.length === 0 || (region !== null && regions.includes(region));
}
