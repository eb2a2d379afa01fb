// Validation metrics of a trainer's current weights (METHODS.md "Metrics"): embeds the validation
// split on the GPU (readback once per eval), computes everything else on the CPU.
import { alignment, concatRows, modalityGap, uniformity } from '../analysis/embeddings';
import { recallAtK, zeroShotAccuracy } from '../analysis/retrieval';
import type { TextSet, ValData } from '../data/types';
import type { Trainer } from './trainer';
import { validationLoss } from './val-loss';

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
  /**
   * Per-example outcomes, so the Multi-Bootstrap can resample evaluation examples: retrieval ranks
   * (0 = first), each text→image query's image (the cluster the bootstrap draws whole: an image
   * with all its captions), and zero-shot correctness (0/1) per labelled image and per held-out one.
   */
  perExample?: { i2tRank: number[]; t2iRank: number[]; t2iImage?: number[]; zeroShot?: number[]; zeroShotHeldOut?: number[] };
}

export interface EvalEmbeddings {
  img: Float32Array;
  txt: Float32Array;
  D: number;
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
  // The run's own loss with its learned parameters (SigLIP: scale and bias) over the whole val set.
  const params = await trainer.readParams();
  const layout = trainer.arena.layout;
  const t = params[layout.get('logit_scale').offset];
  const b = trainer.cfg.loss === 'siglip' ? params[layout.get('logit_bias').offset] : 0;
  const valLoss = validationLoss(img, pairedTxt, val.Ni, D, { kind: trainer.cfg.loss, t, b }, trainer.hyper.batchSize);
  const r = recallAtK(img, val.Ni, txt, c.N, D, val.captionImage);
  const metrics: EvalMetrics = {
    step: trainer.step,
    valLoss,
    i2t: r.i2t,
    t2i: r.t2i,
    alignment: alignment(img, pairedTxt, val.Ni, D),
    uniformity: uniformity(concatRows(img, pairedTxt), 2 * val.Ni, D),
    uniformityImage: uniformity(img, val.Ni, D),
    uniformityText: uniformity(pairedTxt, val.Ni, D),
    modalityGap: modalityGap(img, val.Ni, txt, c.N, D),
    logitScale,
    perExample: { i2tRank: r.i2tRanks, t2iRank: r.t2iRanks, t2iImage: Array.from(val.captionImage) },
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
