// Draws the tray icons (assets/tray/*.png) from a few shapes, so they can be regenerated and
// reviewed as code. No image library: a 4x4-supersampled rasterizer and zlib are all a PNG needs.
//   node scripts/make-tray-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const OUT = resolve(import.meta.dirname, '../assets/tray');
const SUBSAMPLES = 4;

// State colours with enough contrast on light and dark taskbars (Material 800 shades).
const STATE_COLORS = { ok: [46, 125, 50], attention: [237, 108, 2], error: [198, 40, 40] };

/** A printer glyph in a 16-unit box: paper on top, body, output slot. */
function printer(x, y) {
  const paper = x >= 4.5 && x <= 11.5 && y >= 2 && y <= 6;
  const body = x >= 2 && x <= 14 && y >= 6 && y <= 12 && !(x >= 4.5 && x <= 11.5 && y >= 9.5 && y <= 12);
  const output = x >= 4.5 && x <= 11.5 && y >= 10.5 && y <= 14;
  return paper || body || output;
}

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** Colour icons (Windows, Linux): a round badge in the state colour with a white printer. */
function colourIcon(state) {
  const badge = circle(8, 8, 7.75);
  return (x, y) => {
    if (!badge(x, y)) return null;
    // The glyph is drawn at 70 % so it sits inside the circle.
    const gx = (x - 8) / 0.7 + 8;
    const gy = (y - 8) / 0.7 + 8;
    return printer(gx, gy) ? [255, 255, 255, 255] : [...STATE_COLORS[state], 255];
  };
}

/**
 * macOS template images: black plus alpha only, the system tints them for light and dark menu
 * bars. The state is a shape, not a colour: a dot for attention, a ring-cut dot for error.
 */
function templateIcon(state) {
  const dot = circle(13, 3.5, 3);
  const gap = circle(13, 3.5, 4.25);
  const inner = circle(13, 3.5, 1.25);
  return (x, y) => {
    if (state !== 'ok') {
      if (dot(x, y)) return state === 'error' && inner(x, y) ? null : [0, 0, 0, 255];
      if (gap(x, y)) return null;
    }
    return printer(x, y) ? [0, 0, 0, 255] : null;
  };
}

function rasterize(shape, size) {
  const pixels = Buffer.alloc(size * size * 4);
  const scale = 16 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const colour = shape((px + (sx + 0.5) / SUBSAMPLES) * scale, (py + (sy + 0.5) / SUBSAMPLES) * scale);
          if (!colour) continue;
          const alpha = colour[3] / 255;
          r += colour[0] * alpha;
          g += colour[1] * alpha;
          b += colour[2] * alpha;
          a += alpha;
        }
      }
      const offset = (py * size + px) * 4;
      const n = SUBSAMPLES * SUBSAMPLES;
      // Straight (not premultiplied) alpha, as PNG stores it.
      pixels[offset] = a ? Math.round(r / a) : 0;
      pixels[offset + 1] = a ? Math.round(g / a) : 0;
      pixels[offset + 2] = a ? Math.round(b / a) : 0;
      pixels[offset + 3] = Math.round((a / n) * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  // Each scanline starts with filter byte 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const state of ['ok', 'attention', 'error']) {
  for (const [suffix, size] of [
    ['', 16],
    ['@2x', 32],
  ]) {
    writeFileSync(resolve(OUT, `tray-${state}${suffix}.png`), encodePng(rasterize(colourIcon(state), size), size));
    writeFileSync(resolve(OUT, `tray-${state}Template${suffix}.png`), encodePng(rasterize(templateIcon(state), size), size));
  }
}
process.stdout.write(`Wrote 12 tray icons to ${OUT}\n`);
