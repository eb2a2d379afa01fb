// Row-wise L2 normalisation y = x / max(||x||, 1e-12): launchers + CPU references.
// See shaders/l2norm_forward.wgsl and l2norm_backward.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import bwdCode from '../../shaders/l2norm_backward.wgsl?raw';
import fwdCode from '../../shaders/l2norm_forward.wgsl?raw';
import { need, rowWorkgroupSize } from './elementwise';
import { withLib } from './wgsl';

const fwd = withLib('l2norm_forward', fwdCode, 'workgroupSum');
const bwd = withLib('l2norm_backward', bwdCode, 'workgroupSum');

export const L2_EPS = 1e-12;

/** x, y (N, D); norms (N) = ||x[n]|| (kept for the backward). */
export function l2normForward(gpu: Gpu, x: Tensor, y: Tensor, norms: Tensor, N: number, D: number): void {
  need('l2normForward', x, N * D, 'x');
  need('l2normForward', y, N * D, 'y');
  need('l2normForward', norms, N, 'norms');
  if (N === 0 || D === 0) return;
  gpu.run({ shader: fwd, constants: { WG: rowWorkgroupSize(D) }, bindings: [x, y, norms], uniforms: [N, D], grid: N, label: 'l2norm' });
}

/** dx += the gradient through y = x/max(||x||, eps). Uses y and norms; x is accepted for symmetry. */
export function l2normBackward(gpu: Gpu, x: Tensor, y: Tensor, norms: Tensor, dy: Tensor, dx: Tensor, N: number, D: number): void {
  need('l2normBackward', x, N * D, 'x');
  need('l2normBackward', y, N * D, 'y');
  need('l2normBackward', norms, N, 'norms');
  need('l2normBackward', dy, N * D, 'dy');
  need('l2normBackward', dx, N * D, 'dx');
  if (N === 0 || D === 0) return;
  gpu.run({ shader: bwd, constants: { WG: rowWorkgroupSize(D) }, bindings: [y, norms, dy, dx], uniforms: [N, D], grid: N, label: 'l2norm.bwd' });
}

export function l2normForwardRef(x: ArrayLike<number>, N: number, D: number): { y: Float64Array; norms: Float64Array } {
  const y = new Float64Array(N * D);
  const norms = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += x[n * D + d] ** 2;
    const norm = Math.sqrt(s);
    const inv = 1 / Math.max(norm, L2_EPS);
    for (let d = 0; d < D; d++) y[n * D + d] = x[n * D + d] * inv;
    norms[n] = norm;
  }
  return { y, norms };
}

/** The gradient alone: dx = (dy − y·(y·dy)) / norm (or dy / eps where norm ≤ eps). */
export function l2normBackwardRef(
  y: ArrayLike<number>,
  norms: ArrayLike<number>,
  dy: ArrayLike<number>,
  N: number,
  D: number,
): Float64Array {
  const dx = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    const big = norms[n] > L2_EPS;
    let ydy = 0;
    for (let d = 0; d < D; d++) ydy += y[n * D + d] * dy[n * D + d];
    const proj = big ? ydy : 0;
    const inv = 1 / Math.max(norms[n], L2_EPS);
    for (let d = 0; d < D; d++) dx[n * D + d] = (dy[n * D + d] - y[n * D + d] * proj) * inv;
  }
  return dx;
}
