// Image decoding for uploads: bytes → centre crop → S×S RGBA (decodeToRgba) → (3, S, S) normalised
// floats (decodeImage).
//
// How it is used: the upload worker's streaming pipeline (pipeline.ts) calls decodeToRgba on one image
// at a time and stores uint8 pixels in IndexedDB chunks; images the browser cannot decode go into the
// report with the DecodeError's reason. decodePairs below is the small all-in-memory variant (every
// decoded image held as floats): fine for tests and tiny sets, not for 50,000 images.
// decodeToRgba needs createImageBitmap + OffscreenCanvas (a worker or a page, not Node); cropRect,
// rgbaToChw and decodePairs (with an injected decoder) are pure and unit-tested in Node.
import { IMAGE_MIME, checkImage, detectImageType } from './magic';
import type { IngestResult, SkipReason } from './types';

export type DecodeReason = Extract<SkipReason, 'undecodable-image' | 'truncated-image' | 'unsupported-type'>;

/** Thrown by decodeImage; `reason` goes straight into the validation report. */
export class DecodeError extends Error {
  constructor(
    readonly reason: DecodeReason,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** OpenAI CLIP statistics on pixel/255, a sane default for natural photos. */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export interface Norm {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Source rectangle of the centre crop: the largest centred square, i.e. "resize the shorter side
 * to S, then crop S×S from the centre" done as one crop-then-scale. Odd leftovers go to the
 * right/bottom (floor on the left/top offset).
 */
export function cropRect(w: number, h: number): { sx: number; sy: number; sw: number; sh: number } {
  if (!(w > 0 && h > 0)) throw new RangeError(`image size ${w}×${h}`);
  const side = Math.min(w, h);
  return { sx: Math.floor((w - side) / 2), sy: Math.floor((h - side) / 2), sw: side, sh: side };
}

/** (S, S, 4) RGBA bytes → (3, S, S) floats, (v/255 − mean[c]) / std[c], written at `out[offset…]`. */
export function rgbaToChw(
  rgba: ArrayLike<number>,
  size: number,
  norm: Norm = { mean: CLIP_MEAN, std: CLIP_STD },
  out: Float32Array = new Float32Array(3 * size * size),
  offset = 0,
): Float32Array {
  const px = size * size;
  if (rgba.length !== 4 * px) throw new RangeError(`expected ${4 * px} RGBA bytes, got ${rgba.length}`);
  for (let c = 0; c < 3; c++) {
    const m = norm.mean[c];
    const inv = 1 / norm.std[c];
    const base = offset + c * px;
    for (let i = 0; i < px; i++) out[base + i] = (rgba[4 * i + c] / 255 - m) * inv;
  }
  return out;
}

/**
 * Decode PNG/JPEG/WebP/GIF (first frame)/BMP, centre-crop the largest square, resize it to
 * size×size (browser high-quality resampling), composite transparency on white, normalise.
 * Returns (3, size, size). Throws DecodeError.
 */
export async function decodeImage(bytes: Uint8Array, size: number, norm: Norm = { mean: CLIP_MEAN, std: CLIP_STD }): Promise<Float32Array> {
  return rgbaToChw(await decodeToRgba(bytes, size), size, norm);
}

/** One reusable 2-D canvas per size (drawImage + getImageData run synchronously, so sharing is safe). */
const canvases = new Map<number, OffscreenCanvasRenderingContext2D>();
function context(size: number): OffscreenCanvasRenderingContext2D {
  let ctx = canvases.get(size);
  if (!ctx) {
    const c = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
    if (!c) throw new DecodeError('undecodable-image', 'no 2D context');
    ctx = c;
    canvases.set(size, ctx);
  }
  return ctx;
}

/**
 * The decode/crop/resize of decodeImage without normalisation: (size, size, 4) RGBA bytes, alpha
 * composited on white. createImageBitmap decodes off the main thread; this runs in the upload worker.
 */
export async function decodeToRgba(src: Uint8Array | Blob, size: number): Promise<Uint8ClampedArray> {
  // A Blob (a picked File) was sniffed and checked when it was probed; bytes are checked here.
  let type: string;
  let blob: Blob;
  if (src instanceof Blob) {
    type = src.type.replace(/^image\//, '') || 'image';
    blob = src;
  } else {
    const t = detectImageType(src);
    if (!t) throw new DecodeError('unsupported-type', 'no PNG/JPEG/GIF/WebP/BMP signature');
    const chk = checkImage(src, t);
    if (!chk.ok) throw new DecodeError(chk.reason, chk.detail);
    type = t;
    blob = new Blob([src as Uint8Array<ArrayBuffer>], { type: IMAGE_MIME[t] });
  }
  let full: ImageBitmap;
  try {
    full = await createImageBitmap(blob);
  } catch (e) {
    throw new DecodeError('undecodable-image', `browser could not decode ${type}: ${(e as Error).message}`);
  }
  let small: ImageBitmap | undefined;
  try {
    const { sx, sy, sw, sh } = cropRect(full.width, full.height);
    small = await createImageBitmap(full, sx, sy, sw, sh, { resizeWidth: size, resizeHeight: size, resizeQuality: 'high' });
    const ctx = context(size);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    ctx.drawImage(small, 0, 0);
    return ctx.getImageData(0, 0, size, size).data;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError('undecodable-image', `${type}: ${(e as Error).message}`);
  } finally {
    full.close();
    small?.close();
  }
}

export interface DecodedSet {
  /** (N, 3, size, size), pairs in result.pairs order minus the ones that failed. */
  images: Float32Array;
  captions: string[][];
  paths: string[];
  size: number;
}

/**
 * Decode every paired image (a few at a time); failures become skips in result.report (whose
 * loaded/captions/counts are updated) and leave result.pairs. `decode` is injectable for tests.
 */
export async function decodePairs(
  result: IngestResult,
  size: number,
  opts: { norm?: Norm; decode?: typeof decodeImage; concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<DecodedSet> {
  const decode = opts.decode ?? decodeImage;
  const pairs = result.pairs;
  const out: (Float32Array | null)[] = new Array(pairs.length).fill(null);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < pairs.length) {
      const i = next++;
      const p = pairs[i];
      try {
        out[i] = await decode(result.images.get(p.imagePath)!, size, opts.norm);
      } catch (e) {
        const reason: SkipReason = e instanceof DecodeError ? e.reason : 'undecodable-image';
        result.report.skipped.push({ file: p.imagePath, reason, detail: (e as Error).message });
        result.report.counts[reason]++;
      }
      opts.onProgress?.(++done, pairs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  const keep = pairs.flatMap((p, i) => (out[i] ? [{ p, img: out[i]! }] : []));
  const px = 3 * size * size;
  const images = new Float32Array(keep.length * px);
  keep.forEach(({ img }, k) => {
    images.set(img, k * px);
  });
  pairs.forEach((p, i) => {
    if (!out[i]) result.images.delete(p.imagePath);
  });
  result.pairs = keep.map((k) => k.p);
  result.report.loaded = result.pairs.length;
  result.report.captions = result.pairs.reduce((s, p) => s + p.captions.length, 0);
  return { images, captions: result.pairs.map((p) => p.captions), paths: result.pairs.map((p) => p.imagePath), size };
}
