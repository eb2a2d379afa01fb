// The validation loss of a run: the run's OWN training loss (InfoNCE with its clamped learned scale,
// or SigLIP with its learned scale AND bias), over the WHOLE validation set, in consecutive batches
// of the training batch size (the last one may be smaller), averaged over pairs (each batch's mean
// loss weighted by its size). One pair per val image: the image and its first caption.
// Float64 on the CPU through the kernels' references (src/kernels/infonce.ts, siglip.ts), so the
// figure is the float64 reference by construction.
import type { LossKind } from '../model/config';
import { infoNceRef } from '../kernels/infonce';
import { siglipRef } from '../kernels/siglip';

export interface LossParams {
  kind: LossKind;
  /** The logit-scale parameter t (scale = exp(t); InfoNCE clamps it at ln 100 as in training). */
  t: number;
  /** SigLIP's learned logit bias (unused by InfoNCE). */
  b: number;
}

/**
 * img, txt: (N, D) paired embeddings (row i of each is one pair). Returns the pair-weighted mean of
 * the per-batch losses over batches [0, batch), [batch, 2·batch), …
 */
export function validationLoss(img: Float32Array, txt: Float32Array, N: number, D: number, p: LossParams, batch: number): number {
  if (N < 1) throw new Error('validationLoss: no validation pairs');
  if (!(batch >= 1)) throw new Error(`validationLoss: batch size ${batch}`);
  let total = 0;
  for (let lo = 0; lo < N; lo += batch) {
    const B = Math.min(batch, N - lo);
    const x = img.subarray(lo * D, (lo + B) * D);
    const y = txt.subarray(lo * D, (lo + B) * D);
    const loss = p.kind === 'siglip' ? siglipRef(x, y, p.t, p.b, B, D).loss : infoNceRef(x, y, p.t, B, D).loss;
    total += loss * B;
  }
  return total / N;
}
