// Validation metrics of a trainer's current weights (METHODS.md "Metrics"): embeds the validation
// split on the GPU (readback once per eval), computes everything else on the CPU.
import { alignment, concatRows, dotRows, modalityGap, uniformity } from '../analysis/embeddings';
import { recallAtK, zeroShotAccuracy } from '../analysis/retrieval';
import type { TextSet, ValData } from '../data/types';
import type { Trainer } from './trainer';

export type { TextSet, ValData };

export interface EvalMetrics {
  step: number;
  valLoss: number;
  i2t: Record<number, number>;
  t2i: Record<number, number>;
  alignment: number;
  uniformity: number;
  uniformityImage: number;
  uniformityText: number;
  modalityGap: number;
  logitScale: number;
  zeroShot?: number;
  zeroShotHeldOut?: number;
  /** Per-example outcomes (for the Multi-Bootstrap, which resamples evaluation examples). */
  /**
   * Per-example outcomes, so the Multi-Bootstrap can resample evaluation examples: retrieval ranks
   * (0 = first), and zero-shot correctness (0/1) per labelled image and per held-out one.
   */
  perExample?: { i2tRank: number[]; t2iRank: number[]; zeroShot?: number[]; zeroShotHeldOut?: number[] };
}

export interface EvalEmbeddings {
  img: Float32Array;
  txt: Float32Array;
  D: number;
}

/** Symmetric InfoNCE on the first B pairs (one caption per image), on the CPU, in float64. */
export function pairLoss(img: Float32Array, txt: Float32Array, B: number, D: number, s: number): number {
  let L = 0;
  const lse = (f: (k: number) => number) => {
    let mx = -Infinity;
    for (let k = 0; k < B; k++) mx = Math.max(mx, f(k));
    let z = 0;
    for (let k = 0; k < B; k++) z += Math.exp(f(k) - mx);
    return mx + Math.log(z);
  };
  for (let i = 0; i < B; i++) {
    const pos = s * dotRows(img, i, txt, i, D);
    L += lse((j) => s * dotRows(img, i, txt, j, D)) - pos;
    L += lse((j) => s * dotRows(img, j, txt, i, D)) - pos;
  }
  return L / (2 * B);
}

export async function evaluate(trainer: Trainer, val: ValData, logitScale: number): Promise<{ metrics: EvalMetrics; emb: EvalEmbeddings }> {
  const D = trainer.cfg.embedDim;
  const img = await trainer.embedImages(val.images, val.Ni);
  const c = val.captions;
  const txt = await trainer.embedTexts(c.ids, c.eot, c.lengths, c.N, c.rows);
  // The first caption of each image, for pair metrics.
  const first = new Int32Array(val.Ni).fill(-1);
  for (let j = c.N - 1; j >= 0; j--) first[val.captionImage[j]] = j;
  const pairedTxt = new Float32Array(val.Ni * D);
  for (let i = 0; i < val.Ni; i++) pairedTxt.set(txt.subarray(first[i] * D, first[i] * D + D), i * D);
  const B = Math.min(val.Ni, trainer.hyper.batchSize);
  const r = recallAtK(img, val.Ni, txt, c.N, D, val.captionImage);
  const metrics: EvalMetrics = {
    step: trainer.step,
    valLoss: pairLoss(img, pairedTxt, B, D, Math.min(logitScale, 100)),
    i2t: r.i2t,
    t2i: r.t2i,
    alignment: alignment(img, pairedTxt, val.Ni, D),
    uniformity: uniformity(concatRows(img, pairedTxt), 2 * val.Ni, D),
    uniformityImage: uniformity(img, val.Ni, D),
    uniformityText: uniformity(pairedTxt, val.Ni, D),
    modalityGap: modalityGap(img, val.Ni, txt, c.N, D),
    logitScale,
    perExample: { i2tRank: r.i2tRanks, t2iRank: r.t2iRanks },
  };
  // Zero-shot prompts are not dataset captions: a frozen teacher table has no rows for them.
  const z = trainer.cfg.teacher ? undefined : val.zeroShot;
  if (z) {
    const p = z.prompts;
    const pe = await trainer.embedTexts(p.ids, p.eot, p.lengths, p.N);
    const n = z.imageIndex.length;
    const sub = new Float32Array(n * D);
    z.imageIndex.forEach((i, k) => {
      sub.set(img.subarray(i * D, i * D + D), k * D);
    });
    const zs = zeroShotAccuracy(sub, n, pe, z.classNames.length, z.promptsPerClass, D, z.labels);
    metrics.zeroShot = zs.accuracy;
    const correct = Array.from(zs.predictions, (p, k) => (p === z.labels[k] ? 1 : 0));
    if (metrics.perExample) {
      metrics.perExample.zeroShot = correct;
      if (z.heldOut) metrics.perExample.zeroShotHeldOut = correct.filter((_, k) => z.heldOut?.[k]);
    }
    if (z.heldOut) {
      let ok = 0;
      let total = 0;
      for (let k = 0; k < n; k++) {
        if (!z.heldOut[k]) continue;
        total++;
        if (zs.predictions[k] === z.labels[k]) ok++;
      }
      if (total > 0) metrics.zeroShotHeldOut = ok / total;
    }
  }
  return { metrics, emb: { img, txt, D } };
}
