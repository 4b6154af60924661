#!/usr/bin/env node
// Render the app icons (public/icons/*.png) from the logo geometry, with no
// image library: a supersampled rasteriser and node's zlib. Run it after
// changing the logo: `node scripts/make-icons.mjs`.
//
// The logo (src/components/Icon.tsx LogoMark, public/favicon.svg) on a 32-unit
// grid: a rounded tile (radius 9) with a diagonal #6366f1 → #d946ef gradient,
// a four-point spark and a small dot. The maskable icon fills the whole square
// and keeps the mark inside the central 80% "safe zone".
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");
const FROM = [0x63, 0x66, 0xf1];
const TO = [0xd9, 0x46, 0xef];
const SPARK = [[15, 7.5], [17, 13], [22.5, 15], [17, 17], [15, 22.5], [13, 17], [7.5, 15], [13, 13]];

function inPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedRect(x, y, size, r) {
  const cx = Math.min(Math.max(x, r), size - r);
  const cy = Math.min(Math.max(y, r), size - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour (RGBA 0..1) of logo-space point (u, v) in 0..32. */
function sample(u, v, maskable) {
  const tile = maskable ? u >= 0 && u <= 32 && v >= 0 && v <= 32 : inRoundedRect(u, v, 32, 9);
  if (!tile) return [0, 0, 0, 0];
  const t = Math.min(1, Math.max(0, (u + v) / 64));
  let rgb = FROM.map((a, i) => (a + (TO[i] - a) * t) / 255);
  // The mark, scaled towards the centre for the maskable safe zone.
  const k = maskable ? 0.78 : 1;
  const mu = 16 + (u - 16) / k;
  const mv = 16 + (v - 16) / k;
  if (inPolygon(mu, mv, SPARK)) rgb = rgb.map((c) => c * 0.05 + 0.95);
  else if ((mu - 23) ** 2 + (mv - 22.5) ** 2 <= 1.6 ** 2) rgb = rgb.map((c) => c * 0.2 + 0.8);
  return [...rgb, 1];
}

function render(size, maskable) {
  const ss = 4;
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = sample(((x + (sx + 0.5) / ss) / size) * 32, ((y + (sy + 0.5) / ss) / size) * 32, maskable);
          acc[0] += c[0] * c[3];
          acc[1] += c[1] * c[3];
          acc[2] += c[2] * c[3];
          acc[3] += c[3];
        }
      }
      const a = acc[3] / (ss * ss);
      const i = (y * size + x) * 4;
      px[i] = a ? Math.round((acc[0] / acc[3]) * 255) : 0;
      px[i + 1] = a ? Math.round((acc[1] / acc[3]) * 255) : 0;
      px[i + 2] = a ? Math.round((acc[2] / acc[3]) * 255) : 0;
      px[i + 3] = Math.round(a * 255);
    }
  }
  return png(size, size, px);
}

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
}
function png(w, h, rgba) {
  const raw = Buffer.alloc(h * (w * 4 + 1));
  for (let y = 0; y < h; y++) Buffer.from(rgba.buffer, y * w * 4, w * 4).copy(raw, y * (w * 4 + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

mkdirSync(out, { recursive: true });
const files = {
  "icon-192.png": render(192, false),
  "icon-512.png": render(512, false),
  "maskable-512.png": render(512, true),
  "apple-touch-icon.png": render(180, true),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(resolve(out, name), data);
  console.log(`wrote public/icons/${name} (${data.length} bytes)`);
}
