// Retrieval recall@K in both directions. Several captions per image: image→text is a hit when ANY
// of the image's captions is in the top K; text→image when the caption's own image is.
import { dotRows } from './embeddings';

export interface RecallAtK {
  i2t: Record<number, number>;
  t2i: Record<number, number>;
  /** Per image (with captions): 0-based rank of its best caption. Per caption: rank of its image. */
  i2tRanks: number[];
  t2iRanks: number[];
}

/** Rank (0-based) of the best-scoring target among `targets` when scoring all candidates. */
function bestRank(scores: Float32Array, targets: number[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const t of targets) {
    const st = scores[t];
    // rank = number of candidates strictly better (ties resolved in favour of the target's index order)
    let r = 0;
    for (let j = 0; j < scores.length; j++) if (scores[j] > st || (scores[j] === st && j < t)) r++;
    if (r < best) best = r;
  }
  return best;
}

/**
 * img (Ni, D), txt (Nt, D) normalised; captionImage[j] = index of caption j's image.
 */
export function recallAtK(
  img: ArrayLike<number>,
  Ni: number,
  txt: ArrayLike<number>,
  Nt: number,
  D: number,
  captionImage: ArrayLike<number>,
  ks: number[] = [1, 5, 10],
): RecallAtK {
  const captionsOf: number[][] = Array.from({ length: Ni }, () => []);
  for (let j = 0; j < Nt; j++) captionsOf[captionImage[j]].push(j);
  const i2tRanks: number[] = [];
  const row = new Float32Array(Nt);
  for (let i = 0; i < Ni; i++) {
    if (captionsOf[i].length === 0) continue;
    for (let j = 0; j < Nt; j++) row[j] = dotRows(img, i, txt, j, D);
    i2tRanks.push(bestRank(row, captionsOf[i]));
  }
  const t2iRanks: number[] = [];
  const col = new Float32Array(Ni);
  for (let j = 0; j < Nt; j++) {
    for (let i = 0; i < Ni; i++) col[i] = dotRows(img, i, txt, j, D);
    t2iRanks.push(bestRank(col, [captionImage[j]]));
  }
  const frac = (ranks: number[], k: number) => (ranks.length ? ranks.filter((r) => r < k).length / ranks.length : 0);
  const i2t: Record<number, number> = {};
  const t2i: Record<number, number> = {};
  for (const k of ks) {
    i2t[k] = frac(i2tRanks, k);
    t2i[k] = frac(t2iRanks, k);
  }
  return { i2t, t2i, i2tRanks, t2iRanks };
}

/** Indices of the top-k scores, best first. */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.slice(0, k);
}

/**
 * Zero-shot classification: class embedding = normalised mean of its prompt embeddings
 * (classPrompts (C·P, D), P prompts per class); accuracy of argmax cosine against labels.
 */
export function zeroShotAccuracy(
  img: ArrayLike<number>,
  Ni: number,
  classPrompts: ArrayLike<number>,
  numClasses: number,
  promptsPerClass: number,
  D: number,
  labels: ArrayLike<number>,
): { accuracy: number; predictions: Int32Array } {
  const cls = new Float32Array(numClasses * D);
  for (let c = 0; c < numClasses; c++) {
    let n = 0;
    for (let p = 0; p < promptsPerClass; p++)
      for (let k = 0; k < D; k++) cls[c * D + k] += classPrompts[(c * promptsPerClass + p) * D + k];
    for (let k = 0; k < D; k++) n += cls[c * D + k] ** 2;
    const r = 1 / Math.max(Math.sqrt(n), 1e-12);
    for (let k = 0; k < D; k++) cls[c * D + k] *= r;
  }
  const predictions = new Int32Array(Ni);
  let correct = 0;
  for (let i = 0; i < Ni; i++) {
    let best = -Infinity;
    let arg = 0;
    for (let c = 0; c < numClasses; c++) {
      const s = dotRows(img, i, cls, c, D);
      if (s > best) {
        best = s;
        arg = c;
      }
    }
    predictions[i] = arg;
    if (arg === labels[i]) correct++;
  }
  return { accuracy: Ni ? correct / Ni : 0, predictions };
}
