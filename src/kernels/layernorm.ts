// LayerNorm over rows of length C: launchers + CPU references.
// See shaders/layernorm_forward.wgsl, layernorm_backward.wgsl (dx), layernorm_params_backward.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import { need, rowWorkgroupSize } from './elementwise';
import bwdCode from '../../shaders/layernorm_backward.wgsl?raw';
import fwdCode from '../../shaders/layernorm_forward.wgsl?raw';
import paramsCode from '../../shaders/layernorm_params_backward.wgsl?raw';
import directCode from '../../shaders/layernorm_direct.wgsl?raw';
import { ChoiceCache, tunedVariant } from './tuner';
import { withLib } from './wgsl';

const fwd = withLib('layernorm_forward', fwdCode, 'workgroupSum');
const bwd = withLib('layernorm_backward', bwdCode, 'workgroupSum');
const bwdParams = { name: 'layernorm_params_backward', code: paramsCode };
const direct = { name: 'layernorm_direct', code: directCode };

/**
 * 'direct' = barrier-free, one invocation per row/column (layernorm_direct.wgsl); 'reduce' = a
 * workgroup per row with tree reductions. 'auto' takes direct on software adapters (SwiftShader runs
 * barriers very slowly; the benchmark showed LayerNorm at ~46% of a step there) and for rows ≤ 64 wide,
 * unless the autotuner timed this shape (src/kernels/tuner.ts).
 */
export type LayernormVariant = 'auto' | 'reduce' | 'direct';
let lnVariant: LayernormVariant = 'auto';
export function setLayernormVariant(v: LayernormVariant): void {
  lnVariant = v;
}
/** The tuner's key for a LayerNorm call (forward and backward share it). */
export const layernormShapeKey = (N: number, C: number): string => `N=${N} C=${C}`;
const tuned = new ChoiceCache<string | undefined>();
function directLn(gpu: Gpu, N: number, C: number): boolean {
  if (lnVariant !== 'auto') return lnVariant === 'direct';
  const t = tuned.choose([N, C], () => tunedVariant('layernorm', layernormShapeKey(N, C), { N, C }));
  if (t) return t === 'direct';
  return C <= 64 || /swiftshader|llvmpipe|software/i.test(gpu.caps.adapterDescription);
}

/** y = (x − mean)·rstd·gamma + beta per row; x, y (N, C); gamma, beta (C); saves mean, rstd (N). */
export function layernormForward(
  gpu: Gpu,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  y: Tensor,
  mean: Tensor,
  rstd: Tensor,
  N: number,
  C: number,
  eps = 1e-5,
): void {
  for (const [t, n, w] of [[x, N * C, 'x'], [gamma, C, 'gamma'], [beta, C, 'beta'], [y, N * C, 'y'], [mean, N, 'mean'], [rstd, N, 'rstd']] as const) {
    need('layernormForward', t, n, w);
  }
  if (N === 0 || C === 0) return;
  if (directLn(gpu, N, C)) {
    gpu.run({ shader: direct, entry: 'forward', bindings: [x, gamma, beta, y, mean, rstd], uniforms: [N, C, f32(eps)], grid: Math.ceil(N / 64), label: 'layernorm' });
    return;
  }
  const WG = rowWorkgroupSize(C);
  gpu.run({ shader: fwd, constants: { WG }, bindings: [x, gamma, beta, y, mean, rstd], uniforms: [N, C, f32(eps)], grid: N, label: 'layernorm' });
}

/** dx, dgamma, dbeta += the LayerNorm gradients, from the saved mean and rstd. */
export function layernormBackward(
  gpu: Gpu,
  x: Tensor,
  gamma: Tensor,
  mean: Tensor,
  rstd: Tensor,
  dy: Tensor,
  dx: Tensor,
  dgamma: Tensor,
  dbeta: Tensor,
  N: number,
  C: number,
): void {
  for (const [t, n, w] of [[x, N * C, 'x'], [gamma, C, 'gamma'], [mean, N, 'mean'], [rstd, N, 'rstd'], [dy, N * C, 'dy'], [dx, N * C, 'dx'], [dgamma, C, 'dgamma'], [dbeta, C, 'dbeta']] as const) {
    need('layernormBackward', t, n, w);
  }
  if (N === 0 || C === 0) return;
  if (directLn(gpu, N, C)) {
    gpu.run({ shader: direct, entry: 'backward', bindings: [x, gamma, mean, rstd, dy, dx], uniforms: [N, C, f32(0)], grid: Math.ceil(N / 64), label: 'layernorm.bwd' });
    gpu.run({ shader: direct, entry: 'params', bindings: [x, mean, rstd, dy, dgamma, dbeta], uniforms: [N, C, f32(0)], grid: Math.ceil(C / 64), label: 'layernorm.bwd.params' });
    return;
  }
  const WG = rowWorkgroupSize(C);
  gpu.run({ shader: bwd, constants: { WG }, bindings: [x, gamma, mean, rstd, dy, dx], uniforms: [N, C], grid: N, label: 'layernorm.bwd' });
  gpu.run({ shader: bwdParams, bindings: [x, mean, rstd, dy, dgamma, dbeta], uniforms: [N, C], grid: Math.ceil(C / 32), label: 'layernorm.bwd.params' });
}

/** CPU reference (float64): y (N·C), mean (N), rstd (N). */
export function layernormForwardRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  N: number,
  C: number,
  eps = 1e-5,
): { y: Float64Array; mean: Float64Array; rstd: Float64Array } {
  const y = new Float64Array(N * C);
  const mean = new Float64Array(N);
  const rstd = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += x[n * C + c];
    const m = s / C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (x[n * C + c] - m) ** 2;
    const r = 1 / Math.sqrt(v / C + eps);
    for (let c = 0; c < C; c++) y[n * C + c] = (x[n * C + c] - m) * r * gamma[c] + beta[c];
    mean[n] = m;
    rstd[n] = r;
  }
  return { y, mean, rstd };
}

/** CPU reference of the gradients alone (not accumulated onto anything). */
export function layernormBackwardRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  mean: ArrayLike<number>,
  rstd: ArrayLike<number>,
  dy: ArrayLike<number>,
  N: number,
  C: number,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const dx = new Float64Array(N * C);
  const dgamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      const xh = (x[i] - mean[n]) * rstd[n];
      const g = dy[i] * gamma[c];
      sg += g;
      sgx += g * xh;
      dgamma[c] += dy[i] * xh;
      dbeta[c] += dy[i];
    }
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      const xh = (x[i] - mean[n]) * rstd[n];
      dx[i] = rstd[n] * (dy[i] * gamma[c] - sg / C - (xh * sgx) / C);
    }
  }
  return { dx, dgamma, dbeta };
}
