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
