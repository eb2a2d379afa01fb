// Statistics of a loaded upload for the dataset panel: pairs, captions per image, caption lengths
// in tokens (of a tokenizer trained on the captions) and how many captions the context cuts.
import type { Encoded } from '../tokenizer';

export interface UploadStats {
  pairs: number;
  /** Distinct images (= pairs: duplicates were merged during ingest). */
  images: number;
  captions: number;
  captionsPerImage: { min: number; max: number; mean: number; /** [k] = images with k captions */ histogram: number[] };
  tokens: {
    vocabSize: number;
    contextLength: number;
    /** [L] = captions of L tokens (sot and eot included), before truncation. */
    histogram: number[];
    mean: number;
    max: number;
    /** Captions longer than contextLength (cut to fit, eot kept). */
    truncated: number;
  };
}

export interface LengthEncoder {
  readonly vocabSize: number;
  encode(text: string, contextLength: number): Encoded;
}

/** Longest caption measured untruncated (tokens); longer ones count as this length in the histogram. */
export const MAX_MEASURED_TOKENS = 256;

export function uploadStats(captions: readonly (readonly string[])[], tok: LengthEncoder, contextLength: number): UploadStats {
  const perImage: number[] = [];
  const tokenHist: number[] = [];
  let total = 0;
  let tokenSum = 0;
  let truncated = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let maxTok = 0;
  for (const caps of captions) {
    const k = caps.length;
    perImage[k] = (perImage[k] ?? 0) + 1;
    min = Math.min(min, k);
    max = Math.max(max, k);
    total += k;
    for (const c of caps) {
      const L = tok.encode(c, MAX_MEASURED_TOKENS).length;
      tokenHist[L] = (tokenHist[L] ?? 0) + 1;
      tokenSum += L;
      maxTok = Math.max(maxTok, L);
      if (L > contextLength) truncated++;
    }
  }
  const dense = (h: number[]) => Array.from({ length: h.length }, (_, i) => h[i] ?? 0);
  const n = captions.length;
  return {
    pairs: n,
    images: n,
    captions: total,
    captionsPerImage: { min: n ? min : 0, max, mean: n ? total / n : 0, histogram: dense(perImage) },
    tokens: { vocabSize: tok.vocabSize, contextLength, histogram: dense(tokenHist), mean: total ? tokenSum / total : 0, max: maxTok, truncated },
  };
}
