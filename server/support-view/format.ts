/** Times as support reads them next to an owner on the phone: UTC, to the second, and how long before the capture. */
export function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** "20 min before capture", "3 days before capture", "at capture". */
export function beforeCapture(ms: number, capturedAt: number): string {
  const seconds = Math.round((capturedAt - ms) / 1000);
  if (Math.abs(seconds) < 60) return 'at capture';
  const later = seconds < 0;
  const s = Math.abs(seconds);
  const amount = s < 3600 ? `${Math.round(s / 60)} min` : s < 2 * 86_400 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;
  return later ? `${amount} after capture` : `${amount} before capture`;
}

/** "1.2 MB", "840 kB". */
export function byteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** 0x1209 for USB ids. */
export function hex4(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}
