// Where a dataset's images live. The built-in set holds (N, 3, S, S) floats; an upload holds uint8
// chunks (see ingest/preprocess.ts) and normalises an image only when a batch or the val set asks
// for it, so 50,000 uploaded 64×64 images cost 0.6 GB as bytes instead of 2.5 GB as floats.

export interface ImageSource {
  /** Write image i as (3, S, S) normalised floats at out[offset…]. */
  copyTo(i: number, out: Float32Array, offset: number): void;
}

export type Images = Float32Array | ImageSource;

/** Copy image i (chw floats each) of either representation into out at offset. */
export function copyImage(images: Images, i: number, chw: number, out: Float32Array, offset: number): void {
  if (images instanceof Float32Array) out.set(images.subarray(i * chw, (i + 1) * chw), offset);
  else images.copyTo(i, out, offset);
}

/**
 * (3, s, s) → (3, S, S) at out[offset…]: area averaging when shrinking (each output pixel the mean of the
 * input it covers, fractional pixels weighted), bilinear with half-pixel centres when enlarging. Linear in
 * the pixel values, so resizing normalised floats equals normalising resized pixels.
 */
export function resizeChw(src: Float32Array, srcOffset: number, s: number, S: number, out: Float32Array, offset = 0): void {
  const taps = S < s ? areaTaps(s, S) : bilinearTaps(s, S);
  for (let c = 0; c < 3; c++) {
    const inC = srcOffset + c * s * s;
    const outC = offset + c * S * S;
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        let v = 0;
        for (const [iy, wy] of taps[y]) for (const [ix, wx] of taps[x]) v += wy * wx * src[inC + iy * s + ix];
        out[outC + y * S + x] = v;
      }
  }
}

type Taps = [number, number][][];

/** Per output index: the input indices it averages and their weights (sum 1). */
function areaTaps(s: number, S: number): Taps {
  const r = s / S;
  return Array.from({ length: S }, (_, o) => {
    const lo = o * r;
    const hi = lo + r;
    const taps: [number, number][] = [];
    for (let i = Math.floor(lo); i < Math.min(s, Math.ceil(hi)); i++) {
      const w = Math.min(hi, i + 1) - Math.max(lo, i);
      if (w > 1e-12) taps.push([i, w / r]);
    }
    return taps;
  });
}

function bilinearTaps(s: number, S: number): Taps {
  return Array.from({ length: S }, (_, o) => {
    const p = Math.min(s - 1, Math.max(0, ((o + 0.5) * s) / S - 0.5));
    const i = Math.floor(p);
    const f = p - i;
    return f > 0 && i + 1 < s ? [[i, 1 - f], [i + 1, f]] : [[i, 1]];
  });
}

/** Images of side s seen at side S (a set cached at another size than the run's). */
export function resizedImages(images: Images, s: number, S: number): ImageSource {
  const tmp = new Float32Array(3 * s * s);
  return {
    copyTo(i, out, offset) {
      copyImage(images, i, 3 * s * s, tmp, 0);
      resizeChw(tmp, 0, s, S, out, offset);
    },
  };
}

/** Per-channel pixel normalisation: float = (pixel/255 − mean[c]) / std[c]. */
export interface PixelNorm {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Images normalised with `from` seen as normalised with `to` (an evaluation set fed to a model trained on
 * another dataset kind: the same pixel must reach the model as the same float). chw = 3·S·S.
 */
export function renormalised(images: Images, chw: number, from: PixelNorm, to: PixelNorm): ImageSource {
  const plane = chw / 3;
  return {
    copyTo(i, out, offset) {
      copyImage(images, i, chw, out, offset);
      for (let c = 0; c < 3; c++) {
        const a = from.std[c] / to.std[c];
        const b = (from.mean[c] - to.mean[c]) / to.std[c];
        for (let p = offset + c * plane; p < offset + (c + 1) * plane; p++) out[p] = out[p] * a + b;
      }
    },
  };
}
