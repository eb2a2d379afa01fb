// SigLIP pairwise sigmoid loss on the GPU without storing the B×B logits, + CPU reference. Two variants:
// 'tiled' (shaders/siglip_forward.wgsl, siglip_backward.wgsl: workgroup tiles, dots recomputed per pass)
// and 'chunked' (siglip-chunked.ts: column chunks through the matmul kernels). The autotuner picks per
// shape; untuned, 'chunked' (the faster one on SwiftShader, bench/results). Then loss_reduce.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import bwdCode from '../../shaders/siglip_backward.wgsl?raw';
import fwdCode from '../../shaders/siglip_forward.wgsl?raw';
import { checkContrastiveShapes, contrastiveScratch, lossReduce } from './infonce';
import { dummyTensor } from './matmul';
import { siglipChunked } from './siglip-chunked';
import { ChoiceCache, tunedVariant } from './tuner';
import { withLib } from './wgsl';

const fwdShader = withLib('siglip_forward', fwdCode, 'contrastiveTile');
const bwdShader = withLib('siglip_backward', bwdCode, 'contrastiveTile', 'contrastiveGrad');

/** Rows per workgroup in the tiled kernels. */
const ROWS = 32;

export const SIGLIP_VARIANTS = ['chunked', 'tiled'] as const;
export type SiglipVariant = (typeof SIGLIP_VARIANTS)[number];

let forced: SiglipVariant | 'auto' = 'auto';
/** Force a variant for every call ('auto': the tuned choice, else the fixed rule). Checks and benches. */
export function setSiglipVariant(v: SiglipVariant | 'auto'): void {
  forced = v;
}

export const siglipShapeKey = (B: number, D: number): string => `B=${B} D=${D}`;

const tuned = new ChoiceCache<string | undefined>();
/** The variant a call uses: forced, else the tuner's choice for (B, D), else 'chunked'. */
export function siglipVariant(B: number, D: number): SiglipVariant {
  if (forced !== 'auto') return forced;
  const t = tuned.choose([B, D], () => tunedVariant('siglip', siglipShapeKey(B, D), { B, D }));
  return t === 'tiled' ? 'tiled' : 'chunked';
}

/**
 * L = −(1/B) Σ_i Σ_j log σ(z_ij (s·x_i·y_j + b)), z = +1 on the diagonal else −1, s = exp(t') (no clamp).
 * img, txt (B, D); logT (1) = t'; bias (1) = b; writes loss (1). scratch (≥ B) receives per-row sums.
 */
export function siglipForward(
  gpu: Gpu,
  img: Tensor,
  txt: Tensor,
  logT: Tensor,
  bias: Tensor,
  loss: Tensor,
  B: number,
  D: number,
  scratch: Tensor,
): void {
  checkContrastiveShapes('siglipForward', B, D, [
    [img, B * D, 'img'],
    [txt, B * D, 'txt'],
    [logT, 1, 'logT'],
    [bias, 1, 'bias'],
    [loss, 1, 'loss'],
    [scratch, B, 'scratch'],
  ]);
  if (siglipVariant(B, D) === 'chunked') siglipChunked(gpu, img, txt, logT, bias, B, D, { part: scratch, loss: true });
  else gpu.run({ shader: fwdShader, bindings: [logT, bias, img, txt, scratch], uniforms: [B, D], grid: Math.ceil(B / ROWS), label: 'siglip.rows' });
  lossReduce(gpu, scratch, loss, B, { alpha: 1 / B, label: 'siglip.loss' });
}

/**
 * Accumulates (+=) gradScale × the gradient of the loss into dImg, dTxt (B, D), dLogT (1) and dBias (1).
 * `scratch` (≥ 2B elements) holds per-row partials of dT' and db; a shared internal buffer when omitted.
 */
export function siglipBackward(
  gpu: Gpu,
  img: Tensor,
  txt: Tensor,
  logT: Tensor,
  bias: Tensor,
  dImg: Tensor,
  dTxt: Tensor,
  dLogT: Tensor,
  dBias: Tensor,
  B: number,
  D: number,
  gradScale = 1,
  scratch?: Tensor,
): void {
  const part = scratch ?? contrastiveScratch(gpu, 2 * B);
  checkContrastiveShapes('siglipBackward', B, D, [
    [img, B * D, 'img'],
    [txt, B * D, 'txt'],
    [logT, 1, 'logT'],
    [bias, 1, 'bias'],
    [dImg, B * D, 'dImg'],
    [dTxt, B * D, 'dTxt'],
    [dLogT, 1, 'dLogT'],
    [dBias, 1, 'dBias'],
    [part, 2 * B, 'scratch'],
  ]);
  if (siglipVariant(B, D) === 'chunked') siglipChunked(gpu, img, txt, logT, bias, B, D, { part, loss: false, grads: { dImg, dTxt, gradScale } });
  else tiledBackward(gpu, img, txt, logT, bias, dImg, dTxt, part, B, D, gradScale);
  lossReduce(gpu, part, dLogT, B, { alpha: gradScale, start: 0, stride: 2, accumulate: true, label: 'siglip.dT' });
  lossReduce(gpu, part, dBias, B, { alpha: gradScale, start: 1, stride: 2, accumulate: true, label: 'siglip.dBias' });
}

/** The tiled backward's two passes: rows (dImg, per-row partials) then columns (dTxt). */
function tiledBackward(gpu: Gpu, img: Tensor, txt: Tensor, logT: Tensor, bias: Tensor, dImg: Tensor, dTxt: Tensor, part: Tensor, B: number, D: number, gradScale: number): void {
  const grid = Math.ceil(B / ROWS);
  const DK = Math.ceil(D / 8);
  const uniforms = [B, D, f32(gradScale)];
  gpu.run({
    shader: bwdShader,
    constants: { WRITE_PART: true, DK },
    bindings: [logT, bias, img, txt, dImg, part],
    uniforms,
    grid,
    label: 'siglip.dImg',
  });
  gpu.run({
    shader: bwdShader,
    constants: { WRITE_PART: false, DK },
    bindings: [logT, bias, txt, img, dTxt, dummyTensor(gpu)],
    uniforms,
    grid,
    label: 'siglip.dTxt',
  });
}

/** softplus(x) = log(1 + eˣ), stable for any sign. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** σ(x) without overflow. */
function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** CPU reference in float64: loss and its gradients (upstream 1) w.r.t. img, txt (B, D), t' and b. O(B²·D). */
export function siglipRef(
  img: ArrayLike<number>,
  txt: ArrayLike<number>,
  t: number,
  b: number,
  B: number,
  D: number,
): { loss: number; dImg: Float64Array; dTxt: Float64Array; dT: number; dB: number } {
  const X = Float64Array.from(img);
  const Y = Float64Array.from(txt);
  const s = Math.exp(t);
  const invB = 1 / B;
  const dImg = new Float64Array(B * D);
  const dTxt = new Float64Array(B * D);
  let loss = 0;
  let dT = 0;
  let dB = 0;
  for (let i = 0; i < B; i++) {
    const xo = i * D;
    for (let j = 0; j < B; j++) {
      const yo = j * D;
      let dot = 0;
      for (let k = 0; k < D; k++) dot += X[xo + k] * Y[yo + k];
      const l = s * dot;
      const u = l + b;
      // dL/du: diagonal (z = +1) −σ(−u), off-diagonal (z = −1) +σ(u).
      let h: number;
      if (i === j) {
        loss += softplus(-u);
        h = -sigmoid(-u) * invB;
      } else {
        loss += softplus(u);
        h = sigmoid(u) * invB;
      }
      dT += h * l;
      dB += h;
      const sh = s * h;
      for (let k = 0; k < D; k++) {
        dImg[xo + k] += sh * Y[yo + k];
        dTxt[yo + k] += sh * X[xo + k];
      }
    }
  }
  return { loss: loss * invB, dImg, dTxt, dT, dB };
}
