// Symmetric InfoNCE (CLIP) loss, tiled on the GPU so the B×B logits are never stored, + CPU reference.
// See shaders/infonce_forward.wgsl, infonce_loss.wgsl, infonce_backward.wgsl and loss_reduce.wgsl.
// Also home of the helpers both contrastive losses share (scalar reduce, per-row scratch).
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import bwdCode from '../../shaders/infonce_backward.wgsl?raw';
import fwdCode from '../../shaders/infonce_forward.wgsl?raw';
import lossCode from '../../shaders/infonce_loss.wgsl?raw';
import reduceCode from '../../shaders/loss_reduce.wgsl?raw';
import { dummyTensor } from './matmul';
import { withLib } from './wgsl';

const fwdShader = withLib('infonce_forward', fwdCode, 'contrastiveTile');
const lossShader = { name: 'infonce_loss', code: lossCode };
const bwdShader = withLib('infonce_backward', bwdCode, 'contrastiveTile', 'contrastiveGrad');
const reduceShader = { name: 'loss_reduce', code: reduceCode };

/** Rows per workgroup in the tiled kernels. */
const ROWS = 32;
/** The tiled backward keeps ceil(D/8) ≤ 32 accumulators per thread. */
export const MAX_D = 256;
export const LN100 = Math.log(100);

export function checkContrastiveShapes(op: string, B: number, D: number, sized: [Tensor, number, string][]): void {
  if (!Number.isInteger(B) || B < 1) throw new Error(`${op}: batch B=${B} must be a positive integer`);
  if (!Number.isInteger(D) || D < 1 || D > MAX_D) throw new Error(`${op}: embedding dim D=${D} must be in 1..${MAX_D}`);
  for (const [t, n, what] of sized) {
    if (numel(t.shape) < n) throw new Error(`${op} ${what} ${t.label ?? ''}: has ${numel(t.shape)} elements, needs ${n}`);
  }
}

/** out[0] (+)= alpha · Σ_{i<n} v[start + i·stride], deterministic (one workgroup, fixed tree). */
export function lossReduce(
  gpu: Gpu,
  v: Tensor,
  out: Tensor,
  n: number,
  o: { alpha?: number; start?: number; stride?: number; accumulate?: boolean; label?: string } = {},
): void {
  gpu.run({
    shader: reduceShader,
    constants: { ACCUMULATE: !!o.accumulate },
    bindings: [v, out],
    uniforms: [n, o.start ?? 0, o.stride ?? 1, f32(o.alpha ?? 1)],
    grid: 1,
    label: o.label ?? 'loss_reduce',
  });
}

const scratches = new WeakMap<Gpu, Tensor>();
/**
 * Per-row partials of the scalar gradients (dT, dBias) when the caller passes no scratch: one buffer
 * per Gpu, grown to a power of two. A replaced buffer is not destroyed (recorded, unsubmitted
 * dispatches may still use it); it is garbage once they have run.
 */
export function contrastiveScratch(gpu: Gpu, n: number): Tensor {
  let t = scratches.get(gpu);
  if (!t || numel(t.shape) < n) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(n, 1024)));
    t = gpu.tensor([size], 'contrastive-scratch');
    scratches.set(gpu, t);
  }
  return t;
}

/**
 * img, txt (B, D) L2-normalised; logT (1) holds t with s = exp(min(t, ln 100)).
 * Writes rowLse, colLse (B) (saved for backward) and loss (1) = ½[mean_i(rowLse_i − s·x_i·y_i) + mean_j(colLse_j − s·x_j·y_j)].
 */
export function infoNceForward(
  gpu: Gpu,
  img: Tensor,
  txt: Tensor,
  logT: Tensor,
  rowLse: Tensor,
  colLse: Tensor,
  loss: Tensor,
  B: number,
  D: number,
): void {
  checkContrastiveShapes('infoNceForward', B, D, [
    [img, B * D, 'img'],
    [txt, B * D, 'txt'],
    [logT, 1, 'logT'],
    [rowLse, B, 'rowLse'],
    [colLse, B, 'colLse'],
    [loss, 1, 'loss'],
  ]);
  const grid = Math.ceil(B / ROWS);
  gpu.run({ shader: fwdShader, bindings: [logT, img, txt, rowLse], uniforms: [B, D], grid, label: 'infonce.rowLse' });
  gpu.run({ shader: fwdShader, bindings: [logT, txt, img, colLse], uniforms: [B, D], grid, label: 'infonce.colLse' });
  gpu.run({ shader: lossShader, bindings: [logT, img, txt, rowLse, colLse, loss], uniforms: [B, D], grid: 1, label: 'infonce.loss' });
}

/**
 * Accumulates (+=) gradScale × the gradient of the loss into dImg, dTxt (B, D) and dLogT (1)
 * (nothing reaches t above the clamp). rowLse/colLse come from infoNceForward.
 * `scratch` (≥ B elements) holds per-row partials of dT; a shared internal buffer when omitted.
 */
export function infoNceBackward(
  gpu: Gpu,
  img: Tensor,
  txt: Tensor,
  logT: Tensor,
  rowLse: Tensor,
  colLse: Tensor,
  dImg: Tensor,
  dTxt: Tensor,
  dLogT: Tensor,
  B: number,
  D: number,
  gradScale = 1,
  scratch?: Tensor,
): void {
  const part = scratch ?? contrastiveScratch(gpu, B);
  checkContrastiveShapes('infoNceBackward', B, D, [
    [img, B * D, 'img'],
    [txt, B * D, 'txt'],
    [logT, 1, 'logT'],
    [rowLse, B, 'rowLse'],
    [colLse, B, 'colLse'],
    [dImg, B * D, 'dImg'],
    [dTxt, B * D, 'dTxt'],
    [dLogT, 1, 'dLogT'],
    [part, B, 'scratch'],
  ]);
  const grid = Math.ceil(B / ROWS);
  const DK = Math.ceil(D / 8);
  const uniforms = [B, D, f32(gradScale)];
  gpu.run({
    shader: bwdShader,
    constants: { WRITE_PART: true, DK },
    bindings: [logT, img, txt, rowLse, colLse, dImg, part],
    uniforms,
    grid,
    label: 'infonce.dImg',
  });
  gpu.run({
    shader: bwdShader,
    constants: { WRITE_PART: false, DK },
    bindings: [logT, txt, img, colLse, rowLse, dTxt, dummyTensor(gpu)],
    uniforms,
    grid,
    label: 'infonce.dTxt',
  });
  lossReduce(gpu, part, dLogT, B, { alpha: gradScale, accumulate: true, label: 'infonce.dT' });
}

/**
 * CPU reference in float64: loss and its gradients (upstream 1) w.r.t. img, txt (B, D) and t.
 * O(B²·D) time, O(B·D) memory: the logits are recomputed in the backward loop, as on the GPU.
 */
export function infoNceRef(
  img: ArrayLike<number>,
  txt: ArrayLike<number>,
  t: number,
  B: number,
  D: number,
): { loss: number; dImg: Float64Array; dTxt: Float64Array; dT: number } {
  const X = Float64Array.from(img);
  const Y = Float64Array.from(txt);
  const s = Math.exp(Math.min(t, LN100));
  // Row LSE from the stored row; column LSE online (running max, sum rescaled when the max grows).
  const rowLogits = new Float64Array(B);
  const rowLse = new Float64Array(B);
  const colMax = new Float64Array(B).fill(Number.NEGATIVE_INFINITY);
  const colSum = new Float64Array(B);
  const diag = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const xo = i * D;
    let rm = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < B; j++) {
      const yo = j * D;
      let dot = 0;
      for (let k = 0; k < D; k++) dot += X[xo + k] * Y[yo + k];
      const l = s * dot;
      rowLogits[j] = l;
      if (l > rm) rm = l;
      if (l > colMax[j]) {
        colSum[j] = colSum[j] * Math.exp(colMax[j] - l) + 1;
        colMax[j] = l;
      } else colSum[j] += Math.exp(l - colMax[j]);
    }
    let rs = 0;
    for (let j = 0; j < B; j++) rs += Math.exp(rowLogits[j] - rm);
    rowLse[i] = rm + Math.log(rs);
    diag[i] = rowLogits[i];
  }
  const colLse = new Float64Array(B);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    colLse[i] = colMax[i] + Math.log(colSum[i]);
    loss += rowLse[i] - diag[i] + (colLse[i] - diag[i]);
  }
  loss /= 2 * B;

  const dImg = new Float64Array(B * D);
  const dTxt = new Float64Array(B * D);
  const inv2B = 1 / (2 * B);
  let dT = 0;
  for (let i = 0; i < B; i++) {
    const xo = i * D;
    for (let j = 0; j < B; j++) {
      const yo = j * D;
      let dot = 0;
      for (let k = 0; k < D; k++) dot += X[xo + k] * Y[yo + k];
      const l = s * dot;
      let g = (Math.exp(l - rowLse[i]) + Math.exp(l - colLse[j])) * inv2B;
      if (i === j) g -= 2 * inv2B;
      dT += g * l;
      const sg = s * g;
      for (let k = 0; k < D; k++) {
        dImg[xo + k] += sg * Y[yo + k];
        dTxt[yo + k] += sg * X[xo + k];
      }
    }
  }
  return { loss, dImg, dTxt, dT: t > LN100 ? 0 : dT };
}
