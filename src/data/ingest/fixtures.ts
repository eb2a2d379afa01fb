// Tiny, structurally valid image files for tests (distinct bytes per `seed`), built in code so no
// binary fixtures live in the repo. PNG is fully valid (zlib IDAT, CRCs); JPEG/WebP have the
// right markers/chunks for type detection and truncation checks but are not meant to be decoded.
import { zlibSync } from 'fflate';

const enc = new TextEncoder();
export const utf8 = (s: string) => enc.encode(s);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const le16 = (v: number) => [v & 255, (v >>> 8) & 255];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const td = cat(utf8(type), data);
  return cat(be32(data.length), td, be32(crc32(td)));
}

/** w×h RGB PNG, pixel colour from seed. */
export function png(seed = 0, w = 2, h = 2): Uint8Array {
  const ihdr = new Uint8Array([...be32(w), ...be32(h), 8, 2, 0, 0, 0]);
  const raw = new Uint8Array(h * (1 + 3 * w));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set([(seed * 37 + x) & 255, (seed * 91 + y) & 255, (seed >> 8) & 255], y * (1 + 3 * w) + 1 + 3 * x);
  return cat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0)));
}

/** SOI, APP0 JFIF, COM(seed), SOS + a few entropy bytes, EOI. */
export function jpeg(seed = 0): Uint8Array {
  const com = utf8(`seed ${seed}`);
  return cat(
    [0xff, 0xd8],
    [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0xff, 0xfe, 0, com.length + 2],
    com,
    [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0],
    [seed & 255, 0xff, 0x00, 0x12, 0x34],
    [0xff, 0xd9],
  );
}

/** 1×1 GIF89a with a 2-colour palette coloured by seed. */
export function gif(seed = 0): Uint8Array {
  return cat(
    utf8('GIF89a'),
    [1, 0, 1, 0, 0x80, 0, 0],
    [seed & 255, (seed >> 8) & 255, 0, 255, 255, 255],
    [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0],
    [2, 2, 0x44, 0x01, 0],
    [0x3b],
  );
}

/** RIFF/WEBP container with a VP8L chunk (payload not a real bitstream). */
export function webp(seed = 0): Uint8Array {
  const payload = new Uint8Array([0x2f, 0, 0, 0, 0, seed & 255, 0, 0]);
  const body = cat(utf8('WEBP'), utf8('VP8L'), le32(payload.length), payload);
  return cat(utf8('RIFF'), le32(body.length), body);
}

/** 1×1 24-bit BMP. */
export function bmp(seed = 0): Uint8Array {
  const pixels = [seed & 255, (seed >> 8) & 255, 7, 0];
  const size = 14 + 40 + pixels.length;
  return cat(
    utf8('BM'), le32(size), [0, 0, 0, 0], le32(54),
    le32(40), le32(1), le32(1), le16(1), le16(24), le32(0), le32(pixels.length), le32(2835), le32(2835), le32(0), le32(0),
    pixels,
  );
}

export const tiff = () => cat(utf8('II*\0'), [8, 0, 0, 0, 0, 0]);
