// Roll back non-trained state (BatchNorm running stats) after a step that AdamW skipped because its
// gradients were non-finite: the forward pass already updated the running stats from a batch that
// produced NaN/Inf, and keeping them would poison every later eval. See shaders/restore_if_skipped.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import restoreCode from '../../shaders/restore_if_skipped.wgsl?raw';
import { need } from './elementwise';

const restoreShader = { name: 'restore_if_skipped', code: restoreCode };

/** out[0..n) = backup[0..n) when stats[2] (the non-finite flag from gradNorm) is set; else unchanged. */
export function restoreIfSkipped(gpu: Gpu, stats: Tensor, backup: Tensor, out: Tensor, n: number): void {
  need('restoreIfSkipped', stats, 4, 'stats');
  need('restoreIfSkipped', backup, n, 'backup');
  need('restoreIfSkipped', out, n, 'out');
  gpu.run({
    shader: restoreShader,
    bindings: [
      { ...stats, shape: [4] },
      { ...backup, shape: [n] },
      { ...out, shape: [n] },
    ],
    uniforms: [n],
    grid: Math.ceil(n / 256),
    label: 'restore_if_skipped',
  });
}

export function restoreIfSkippedRef(stats: ArrayLike<number>, backup: ArrayLike<number>, out: ArrayLike<number>): Float64Array {
  return Float64Array.from(stats[2] !== 0 ? backup : out);
}
