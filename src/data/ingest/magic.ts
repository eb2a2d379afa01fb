// Image type by magic bytes (never by extension alone) and a cheap structural check that catches
// truncated files before they reach the decoder: PNG chunks up to IEND, JPEG segments up to EOI,
// GIF trailer, RIFF size of WebP, BMP file/pixel sizes.

export type ImageType = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

export const IMAGE_MIME: Record<ImageType, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

/** Extensions that announce an image (supported or not); used only to classify files we cannot sniff. */
export const IMAGE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'jpe', 'jfif', 'gif', 'webp', 'bmp', 'dib',
  'tif', 'tiff', 'heic', 'heif', 'avif', 'ico', 'svg', 'jxl', 'psd',
]);

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};
const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u32le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const i32le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);

export function detectImageType(b: Uint8Array): ImageType | null {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'gif';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  if (ascii(b, 0, 'BM') && b.length >= 14) return 'bmp';
  return null;
}

/** Name of an image (or other) format we recognise but do not decode; null when unknown. */
export function detectUnsupportedType(b: Uint8Array): string | null {
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*')) return 'TIFF';
  if (ascii(b, 4, 'ftyp')) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    if (/^(avif|avis)$/.test(brand)) return 'AVIF';
    if (/^(heic|heix|hevc|hevx|mif1|msf1)$/.test(brand)) return 'HEIF/HEIC';
    return `ISO-BMFF (${brand})`;
  }
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'ICO';
  if ((b[0] === 0xff && b[1] === 0x0a) || ascii(b, 4, 'JXL ')) return 'JPEG XL';
  if (ascii(b, 0, '8BPS')) return 'PSD';
  if (ascii(b, 0, '%PDF')) return 'PDF';
  const head = String.fromCharCode(...b.subarray(0, 256)).trimStart();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  return null;
}

export type ImageCheck = { ok: true } | { ok: false; reason: 'truncated-image' | 'undecodable-image'; detail: string };

const OK: ImageCheck = { ok: true };
const truncated = (detail: string): ImageCheck => ({ ok: false, reason: 'truncated-image', detail });
const broken = (detail: string): ImageCheck => ({ ok: false, reason: 'undecodable-image', detail });

/** Structural check of a file whose magic bytes said `type`; does not decode pixels. */
export function checkImage(b: Uint8Array, type: ImageType): ImageCheck {
  switch (type) {
    case 'png':
      return checkPng(b);
    case 'jpeg':
      return checkJpeg(b);
    case 'gif':
      if (b.length < 13) return truncated('GIF shorter than its header');
      return b[b.length - 1] === 0x3b ? OK : truncated('GIF without trailer byte 0x3B');
    case 'webp': {
      if (b.length < 16) return truncated('WebP shorter than its first chunk header');
      const riff = u32le(b, 4);
      if (8 + riff > b.length) return truncated(`RIFF size ${8 + riff} > file size ${b.length}`);
      if (!ascii(b, 12, 'VP8 ') && !ascii(b, 12, 'VP8L') && !ascii(b, 12, 'VP8X')) return broken('WebP without VP8/VP8L/VP8X chunk');
      return OK;
    }
    case 'bmp':
      return checkBmp(b);
  }
}

function checkPng(b: Uint8Array): ImageCheck {
  let i = 8;
  let first = true;
  while (true) {
    if (i + 8 > b.length) return truncated('PNG ends before IEND');
    const len = u32be(b, i);
    const name = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    if (first && name !== 'IHDR') return broken(`first PNG chunk is "${name}", not IHDR`);
    first = false;
    if (i + 12 + len > b.length) return truncated(`PNG chunk ${name} runs past the end of the file`);
    if (name === 'IEND') return OK;
    i += 12 + len;
  }
}

function checkJpeg(b: Uint8Array): ImageCheck {
  let i = 2;
  const n = b.length;
  while (i < n) {
    if (b[i] !== 0xff) return broken(`JPEG marker expected at byte ${i}`);
    while (i < n && b[i] === 0xff) i++; // fill bytes
    if (i >= n) break;
    const m = b[i];
    i++;
    if (m === 0xd9) return OK; // EOI
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) continue; // standalone markers
    if (i + 2 > n) break;
    const len = u16be(b, i);
    if (len < 2) return broken(`JPEG segment length ${len} at byte ${i}`);
    i += len;
    if (m === 0xda) {
      // Entropy-coded data: runs until a marker that is not a stuffed 0xFF00 or a restart.
      while (i + 1 < n && !(b[i] === 0xff && b[i + 1] !== 0 && !(b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7))) i++;
      if (i + 1 >= n) break;
    }
  }
  return truncated('JPEG without EOI marker');
}

function checkBmp(b: Uint8Array): ImageCheck {
  if (b.length < 26) return truncated('BMP shorter than its headers');
  const fileSize = u32le(b, 2);
  const pixOff = u32le(b, 10);
  const dib = u32le(b, 14);
  if (![12, 40, 52, 56, 64, 108, 124].includes(dib)) return broken(`unknown BMP header size ${dib}`);
  if (fileSize > b.length) return truncated(`BMP header says ${fileSize} bytes, file has ${b.length}`);
  if (pixOff >= b.length) return truncated('BMP pixel data missing');
  if (dib >= 40 && b.length >= 34) {
    const w = i32le(b, 18);
    const h = Math.abs(i32le(b, 22));
    const bpp = u16le(b, 28);
    const compression = u32le(b, 30);
    if (w <= 0 || h === 0) return broken(`BMP size ${w}×${h}`);
    if (compression === 0) {
      const row = Math.floor((bpp * w + 31) / 32) * 4;
      if (pixOff + row * h > b.length) return truncated(`BMP pixel data shorter than ${w}×${h}×${bpp} bits`);
    }
  }
  return OK;
}
