// BatchNorm2d over (B, H·W) per channel, NCHW: launchers + float64 CPU references.
// See shaders/batchnorm_forward.wgsl (training / eval) and shaders/batchnorm_backward.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import { need, rowWorkgroupSize } from './elementwise';
import bwdCode from '../../shaders/batchnorm_backward.wgsl?raw';
import fwdCode from '../../shaders/batchnorm_forward.wgsl?raw';
import { withLib } from './wgsl';

const fwd = withLib('batchnorm_forward', fwdCode, 'workgroupSum');
const bwd = withLib('batchnorm_backward', bwdCode, 'workgroupSum');

export interface BatchnormDims {
  B: number;
  C: number;
  /** H·W. */
  HW: number;
  /** Default 1e-5 (torch). */
  eps?: number;
  /** Default 0.1 (torch). */
  momentum?: number;
  training: boolean;
}

/**
 * y = (x − mean)·rstd·gamma + beta per channel; x, y (B, C, HW); gamma, beta, mean, rstd, running stats (C).
 * Training: batch statistics (biased variance), saves mean/rstd, and updates the running stats in place
 * (running = (1 − momentum)·running + momentum·batch, unbiased variance for runningVar; with B·HW = 1 the
 * biased one, 0, where torch refuses). Eval: normalises with the running stats (mean/rstd are still written).
 */
export function batchnormForward(
  gpu: Gpu,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  y: Tensor,
  mean: Tensor,
  rstd: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  dims: BatchnormDims,
): void {
  const { B, C, HW } = dims;
  const n = B * C * HW;
  for (const [t, m, w] of [[x, n, 'x'], [gamma, C, 'gamma'], [beta, C, 'beta'], [y, n, 'y'], [mean, C, 'mean'], [rstd, C, 'rstd'], [runningMean, C, 'runningMean'], [runningVar, C, 'runningVar']] as const) {
    need('batchnormForward', t, m, w);
  }
  if (n === 0) return;
  gpu.run({
    shader: fwd,
    constants: { WG: rowWorkgroupSize(B * HW), TRAINING: dims.training },
    bindings: [x, gamma, beta, y, mean, rstd, runningMean, runningVar],
    uniforms: [B, C, HW, f32(dims.eps ?? 1e-5), f32(dims.momentum ?? 0.1)],
    grid: C,
    label: `batchnorm.forward.${dims.training ? 'train' : 'eval'}`,
  });
}

/** Training-mode gradients: dx, dgamma, dbeta += (from the mean and rstd the training forward saved). */
export function batchnormBackward(
  gpu: Gpu,
  x: Tensor,
  gamma: Tensor,
  mean: Tensor,
  rstd: Tensor,
  dy: Tensor,
  dx: Tensor,
  dgamma: Tensor,
  dbeta: Tensor,
  dims: { B: number; C: number; HW: number },
): void {
  const { B, C, HW } = dims;
  const n = B * C * HW;
  for (const [t, m, w] of [[x, n, 'x'], [gamma, C, 'gamma'], [mean, C, 'mean'], [rstd, C, 'rstd'], [dy, n, 'dy'], [dx, n, 'dx'], [dgamma, C, 'dgamma'], [dbeta, C, 'dbeta']] as const) {
    need('batchnormBackward', t, m, w);
  }
  if (n === 0) return;
  gpu.run({
    shader: bwd,
    constants: { WG: rowWorkgroupSize(B * HW) },
    bindings: [x, gamma, mean, rstd, dy, dx, dgamma, dbeta],
    uniforms: [B, C, HW],
    grid: C,
    label: 'batchnorm.backward',
  });
}

/**
 * CPU reference of batchnormForward in float64. Returns y, the saved mean/rstd and the NEW running stats
 * (the inputs are not modified).
 */
export function batchnormForwardRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  dims: BatchnormDims,
): { y: Float64Array; mean: Float64Array; rstd: Float64Array; runningMean: Float64Array; runningVar: Float64Array } {
  const { B, C, HW } = dims;
  const eps = dims.eps ?? 1e-5;
  const m = dims.momentum ?? 0.1;
  const n = B * HW;
  const idx = (c: number, i: number) => (Math.floor(i / HW) * C + c) * HW + (i % HW);
  const y = new Float64Array(B * C * HW);
  const mean = new Float64Array(C);
  const rstd = new Float64Array(C);
  const rm = Float64Array.from(runningMean);
  const rv = Float64Array.from(runningVar);
  for (let c = 0; c < C; c++) {
    if (dims.training) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[idx(c, i)];
      const mu = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x[idx(c, i)] - mu) ** 2;
      const variance = v / n;
      mean[c] = mu;
      rstd[c] = 1 / Math.sqrt(variance + eps);
      rm[c] = (1 - m) * rm[c] + m * mu;
      rv[c] = (1 - m) * rv[c] + m * (n > 1 ? (variance * n) / (n - 1) : variance);
    } else {
      mean[c] = runningMean[c];
      rstd[c] = 1 / Math.sqrt(runningVar[c] + eps);
    }
    for (let i = 0; i < n; i++) {
      const j = idx(c, i);
      y[j] = (x[j] - mean[c]) * rstd[c] * gamma[c] + beta[c];
    }
  }
  return { y, mean, rstd, runningMean: rm, runningVar: rv };
}

/** CPU reference of the training-mode gradients in float64 (fresh, not accumulated). */
export function batchnormBackwardRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  mean: ArrayLike<number>,
  rstd: ArrayLike<number>,
  dy: ArrayLike<number>,
  dims: { B: number; C: number; HW: number },
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { B, C, HW } = dims;
  const n = B * HW;
  const idx = (c: number, i: number) => (Math.floor(i / HW) * C + c) * HW + (i % HW);
  const dx = new Float64Array(B * C * HW);
  const dgamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let sdy = 0;
    let sdyx = 0;
    for (let i = 0; i < n; i++) {
      const j = idx(c, i);
      sdy += dy[j];
      sdyx += dy[j] * (x[j] - mean[c]) * rstd[c];
    }
    dgamma[c] = sdyx;
    dbeta[c] = sdy;
    for (let i = 0; i < n; i++) {
      const j = idx(c, i);
      const xh = (x[j] - mean[c]) * rstd[c];
      dx[j] = gamma[c] * rstd[c] * (dy[j] - sdy / n - (xh * sdyx) / n);
    }
  }
  return { dx, dgamma, dbeta };
}
