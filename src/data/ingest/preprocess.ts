// Pixel layouts of the upload cache. A decoded image is stored as (3, S, S) uint8 planar RGB — the
// resized, centre-cropped pixels, 4× smaller than floats — and normalised only when a batch is
// assembled. Chunks hold `chunkSize` consecutive images (the last chunk may be shorter).
import { CLIP_MEAN, CLIP_STD, type Norm } from './decode';

/** Bump when decoding/cropping/storage changes: old cache entries are then ignored. */
export const PREPROCESS_VERSION = 1;

export const UPLOAD_NORM: Norm = { mean: CLIP_MEAN, std: CLIP_STD };

/** (S, S, 4) RGBA → (3, S, S) uint8 written at out[offset…] (alpha dropped: decode composites on white). */
export function rgbaToU8Chw(rgba: ArrayLike<number>, size: number, out: Uint8Array, offset = 0): Uint8Array {
  const px = size * size;
  if (rgba.length !== 4 * px) throw new RangeError(`expected ${4 * px} RGBA bytes, got ${rgba.length}`);
  if (offset + 3 * px > out.length) throw new RangeError(`image ${offset}+${3 * px} past the end of ${out.length}`);
  for (let i = 0; i < px; i++) {
    out[offset + i] = rgba[4 * i];
    out[offset + px + i] = rgba[4 * i + 1];
    out[offset + 2 * px + i] = rgba[4 * i + 2];
  }
  return out;
}

/** (3, S, S) uint8 at src[srcOffset…] → (3, S, S) floats (v/255 − mean[c]) / std[c] at out[offset…]. */
export function u8ChwToFloat(src: Uint8Array, srcOffset: number, size: number, out: Float32Array, offset = 0, norm: Norm = UPLOAD_NORM): void {
  const px = size * size;
  for (let c = 0; c < 3; c++) {
    const inv = 1 / (255 * norm.std[c]);
    const shift = norm.mean[c] / norm.std[c];
    const s = srcOffset + c * px;
    const o = offset + c * px;
    for (let i = 0; i < px; i++) out[o + i] = src[s + i] * inv - shift;
  }
}

/** (3, S, S) uint8 at src[srcOffset…] → (S, S, 4) opaque RGBA (thumbnails). */
export function u8ChwToRgba(src: Uint8Array, srcOffset: number, size: number, out = new Uint8ClampedArray(4 * size * size), offset = 0): Uint8ClampedArray {
  const px = size * size;
  for (let i = 0; i < px; i++) {
    out[offset + 4 * i] = src[srcOffset + i];
    out[offset + 4 * i + 1] = src[srcOffset + px + i];
    out[offset + 4 * i + 2] = src[srcOffset + 2 * px + i];
    out[offset + 4 * i + 3] = 255;
  }
  return out;
}

/** Which chunk holds image i, and where in it (every chunk but the last is full). */
export function locate(i: number, chunkSize: number): { chunk: number; slot: number } {
  if (!Number.isInteger(i) || i < 0) throw new RangeError(`bad image index ${i}`);
  return { chunk: Math.floor(i / chunkSize), slot: i % chunkSize };
}

/** Images per chunk so that a chunk is about `targetBytes` (at least 16, at most 4096 images). */
export function chunkSizeFor(size: number, targetBytes = 4 << 20): number {
  return Math.max(16, Math.min(4096, Math.floor(targetBytes / (3 * size * size))));
}

/**
 * `count` indices spread evenly over 0..n−1 (the preview grid): floor((k + ½)·n / count), distinct
 * and increasing; all of them when n ≤ count.
 */
export function spreadIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * n) / count));
}

/** Seconds left at the current average rate, or null before anything is done. */
export function etaSeconds(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || elapsedMs <= 0) return null;
  if (done >= total) return 0;
  return ((total - done) * elapsedMs) / done / 1000;
}

/** "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(s: number): string {
  if (s < 9.95) return `${Math.max(0, s).toFixed(1)} s`;
  const t = Math.round(s);
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
}
