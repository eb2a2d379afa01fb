// Seeded image augmentation for small uploads that overfit: a random resized crop (resampled back to
// S×S, bilinear) and a horizontal flip only when no caption of the image names left or right (flipping
// "a circle left of a square" would make the caption false). Applied to the normalised (3, S, S) floats
// (bilinear resampling is linear, so it commutes with the per-channel affine normalisation).
// Everything depends only on (seed, step, slot): a resumed run sees the same augmented batches, and the
// PyTorch twin (python/sharelab_torch/augment.py) draws the same numbers and computes the same pixels,
// bit for bit (only +, −, ×, ÷, sqrt and floor: no exp/log whose last bit may differ between libms).
import { Rng } from '../util/rng';

export interface AugmentOptions {
  /** Crop area as a fraction of the image, drawn uniformly in [minScale, maxScale]. */
  minScale: number;
  maxScale: number;
  /** Aspect ratio w/h drawn uniformly in [minRatio, maxRatio] (uniform in the ratio, not its log). */
  minRatio: number;
  maxRatio: number;
  /** Flip half the images horizontally (only those whose captions do not name left/right). */
  flip: boolean;
}

/** Milder than torchvision's (0.08–1) crop: our images are 16–64 px, a small crop keeps few pixels. */
export const DEFAULT_AUGMENT: AugmentOptions = { minScale: 0.6, maxScale: 1, minRatio: 3 / 4, maxRatio: 4 / 3, flip: true };

/** The fork stream of the run seed reserved for augmentation (data order uses fork(epoch + 1) of the seed). */
export const AUGMENT_STREAM = 0x5a11;

/** A caption naming a side ("left", "right", "leftmost", "rightward", …): its image must not be flipped. */
export const SIDE_WORD = /\b(left|right)/i;
export const namesSide = (captions: readonly string[]) => captions.some((c) => SIDE_WORD.test(c));

export interface CropParams {
  /** Crop window in source pixels (continuous): top-left corner and size. */
  x0: number;
  y0: number;
  w: number;
  h: number;
  flip: boolean;
}

/** The crop of batch slot `slot` at global step `step`: five draws from Rng(seed).fork(STREAM).fork(step + 1).fork(slot + 1). */
export function augmentParams(seed: number, step: number, slot: number, S: number, flipOk: boolean, o: AugmentOptions = DEFAULT_AUGMENT): CropParams {
  const rng = new Rng(seed).fork(AUGMENT_STREAM).fork(step + 1).fork(slot + 1);
  const area = o.minScale + (o.maxScale - o.minScale) * rng.next();
  const ratio = o.minRatio + (o.maxRatio - o.minRatio) * rng.next();
  const w = Math.min(1, Math.sqrt(area * ratio)) * S;
  const h = Math.min(1, Math.sqrt(area / ratio)) * S;
  const x0 = (S - w) * rng.next();
  const y0 = (S - h) * rng.next();
  const flip = rng.next() < 0.5 && o.flip && flipOk;
  return { x0, y0, w, h, flip };
}

/**
 * Resample the crop `p` of the (C, S, S) image at src[srcOff…] to (C, S, S) at out[outOff…]: output pixel
 * (u, v) reads source (x0 + (u' + ½)·w/S − ½, y0 + (v + ½)·h/S − ½), u' = S−1−u when flipped, bilinear,
 * clamped to the edge. src and out must not overlap.
 */
export function applyCrop(src: Float32Array, srcOff: number, C: number, S: number, p: CropParams, out: Float32Array, outOff: number): void {
  for (let v = 0; v < S; v++) {
    const sy = Math.min(Math.max(p.y0 + ((v + 0.5) * p.h) / S - 0.5, 0), S - 1);
    const ya = Math.floor(sy);
    const yb = Math.min(ya + 1, S - 1);
    const fy = sy - ya;
    for (let u = 0; u < S; u++) {
      const uu = p.flip ? S - 1 - u : u;
      const sx = Math.min(Math.max(p.x0 + ((uu + 0.5) * p.w) / S - 0.5, 0), S - 1);
      const xa = Math.floor(sx);
      const xb = Math.min(xa + 1, S - 1);
      const fx = sx - xa;
      for (let c = 0; c < C; c++) {
        const base = srcOff + c * S * S;
        const top = src[base + ya * S + xa] * (1 - fx) + src[base + ya * S + xb] * fx;
        const bot = src[base + yb * S + xa] * (1 - fx) + src[base + yb * S + xb] * fx;
        out[outOff + c * S * S + v * S + u] = top * (1 - fy) + bot * fy;
      }
    }
  }
}
