// Per-step metrics history on the GPU: the trainer appends (loss, grad norm, non-finite flag, logit
// scale t) to `hist` every step and reads it back only every k steps. See shaders/record_metrics.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import recordCode from '../../shaders/record_metrics.wgsl?raw';
import { need } from './launch';

const recordShader = { name: 'record_metrics', code: recordCode };

/** Scalars per history slot: (loss, grad norm, non-finite flag, logit scale t). */
export const METRICS_PER_SLOT = 4;

/**
 * hist[slot·4 + (0..3)] = (loss[0], stats[0], stats[2], logT[0]).
 * loss (1); stats (4) = gradNorm's (norm, clip, nonfinite, _); logT (1); hist (4·slots), slot < slots.
 */
export function recordMetrics(gpu: Gpu, loss: Tensor, stats: Tensor, logT: Tensor, hist: Tensor, slot: number): void {
  need('recordMetrics', loss, 1, 'loss');
  need('recordMetrics', stats, 4, 'stats');
  need('recordMetrics', logT, 1, 'logT');
  need('recordMetrics', hist, (slot + 1) * METRICS_PER_SLOT, 'hist');
  gpu.run({ shader: recordShader, bindings: [loss, stats, logT, hist], uniforms: [slot], grid: 1, label: 'record_metrics' });
}

export function recordMetricsRef(
  loss: ArrayLike<number>,
  stats: ArrayLike<number>,
  logT: ArrayLike<number>,
  hist: ArrayLike<number>,
  slot: number,
): Float64Array {
  const out = Float64Array.from(hist);
  out.set([loss[0], stats[0], stats[2], logT[0]], slot * METRICS_PER_SLOT);
  return out;
}
