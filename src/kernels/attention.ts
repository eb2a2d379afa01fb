// Multi-head scaled-dot-product attention: forward (out + lse), backward (dq, dk, dv recomputing the
// probabilities from lse, flash-style), and the probability export for the UI's attention maps.
// Shaders: shaders/attention_forward.wgsl, attention_backward_dq.wgsl, attention_backward_dkdv.wgsl,
// attention_probs.wgsl (tiling, bindings and dispatch grids in their headers).
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import bwdDqCode from '../../shaders/attention_backward_dq.wgsl?raw';
import bwdDkdvCode from '../../shaders/attention_backward_dkdv.wgsl?raw';
import fwdCode from '../../shaders/attention_forward.wgsl?raw';
import probsCode from '../../shaders/attention_probs.wgsl?raw';
import directDkdvCode from '../../shaders/attention_direct_dkdv.wgsl?raw';
import directDqCode from '../../shaders/attention_direct_dq.wgsl?raw';
import directFwdCode from '../../shaders/attention_direct_forward.wgsl?raw';
import { dummyTensor } from './matmul';
import { ChoiceCache, tunedVariant } from './tuner';
import { withLib } from './wgsl';

const fwdShader = withLib('attention_forward', fwdCode, 'attentionTile');
const dqShader = withLib('attention_backward_dq', bwdDqCode, 'attentionTile');
const dkdvShader = withLib('attention_backward_dkdv', bwdDkdvCode, 'attentionTile');
const probsShader = withLib('attention_probs', probsCode, 'attentionTile');
const directFwd = { name: 'attention_direct_forward', code: directFwdCode };
const directDq = { name: 'attention_direct_dq', code: directDqCode };
const directDkdv = { name: 'attention_direct_dkdv', code: directDkdvCode };

/**
 * 'direct': barrier-free, one invocation per row (attention_direct_*.wgsl); 'tiled': workgroup tiles.
 * 'auto' takes the autotuner's choice for the shape when it has one, else direct for T ≤ 128 (ShareLab's
 * sequence lengths), where it is the faster of the two on SwiftShader.
 */
export type AttnVariant = 'auto' | 'tiled' | 'direct';
let attnVariant: AttnVariant = 'auto';
export function setAttentionVariant(v: AttnVariant): void {
  attnVariant = v;
}
/** The tuner's key for an attention call (forward and backward share it, so they take one path). */
export function attentionShapeKey(d: AttnDims): string {
  return `B=${d.B} T=${d.T} H=${d.H} D=${d.D}${d.causal ? ' causal' : ''}${d.lengths ? ' lengths' : ''}`;
}
const tuned = new ChoiceCache<string | undefined>();
function directPath(d: AttnDims): boolean {
  if (attnVariant !== 'auto') return attnVariant === 'direct';
  const t = tuned.choose([d.B, d.T, d.H, d.D, d.causal ? 1 : 0, d.lengths ? 1 : 0], () => {
    const spec = { B: d.B, T: d.T, H: d.H, D: d.D, causal: d.causal, lengths: !!d.lengths };
    return tunedVariant('attention', attentionShapeKey(d), spec);
  });
  return t ? t === 'direct' : d.T <= 128;
}
function directGrid(d: AttnDims): number {
  return Math.ceil((d.B * d.H * d.T) / 64);
}

/** Rows per workgroup in every attention kernel (query rows, or key rows for dk/dv). */
const ROWS = 16;
/** Largest head dim the kernels' workgroup tiles hold. */
export const ATTN_MAX_HEAD_DIM = 64;

export interface AttnDims {
  B: number;
  T: number;
  H: number;
  D: number;
  causal: boolean;
  /** (B,) i32 valid key count per batch row (padding mask: keys j >= len[b] are masked); omit = all T valid */
  lengths?: Tensor;
}

function validate(d: AttnDims, parts: [Tensor, number, string][]): void {
  const { B, T, H, D } = d;
  for (const [n, what] of [
    [B, 'B'],
    [T, 'T'],
    [H, 'H'],
    [D, 'D'],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`attention: ${what}=${n} must be a positive integer`);
  }
  if (D > ATTN_MAX_HEAD_DIM) throw new Error(`attention: head dim ${D} > ${ATTN_MAX_HEAD_DIM} is not supported`);
  for (const [t, n, what] of parts) {
    if (numel(t.shape) !== n) throw new Error(`attention ${what} ${t.label ?? ''}: has ${numel(t.shape)} elements, needs ${n}`);
  }
  if (d.lengths) {
    if (numel(d.lengths.shape) !== B) throw new Error(`attention lengths: has ${numel(d.lengths.shape)} elements, needs ${B}`);
    if (d.lengths.dtype !== 'i32') throw new Error(`attention lengths: dtype ${d.lengths.dtype}, needs i32`);
  }
}

function common(gpu: Gpu, d: AttnDims) {
  return {
    constants: { HD: d.D, CAUSAL: d.causal, HAS_LEN: !!d.lengths },
    uniforms: [d.T, d.H, f32(1 / Math.sqrt(d.D))],
    grid: [Math.ceil(d.T / ROWS), d.H, d.B] as [number, number, number],
    lengths: d.lengths ?? dummyTensor(gpu),
  };
}

/** out (B, T, C) = attention(q, k, v) from qkv (B, T, 3C), C = H·D; lse (B, H, T) for the backward. */
export function attentionForward(gpu: Gpu, qkv: Tensor, out: Tensor, lse: Tensor, d: AttnDims): void {
  const C = d.H * d.D;
  validate(d, [
    [qkv, d.B * d.T * 3 * C, 'qkv'],
    [out, d.B * d.T * C, 'out'],
    [lse, d.B * d.H * d.T, 'lse'],
  ]);
  const c = common(gpu, d);
  if (directPath(d)) {
    gpu.run({
      shader: directFwd,
      constants: c.constants,
      bindings: [qkv, out, lse, c.lengths],
      uniforms: [...c.uniforms, d.B],
      grid: directGrid(d),
      label: 'attention.forward',
    });
    return;
  }
  gpu.run({
    shader: fwdShader,
    constants: c.constants,
    bindings: [qkv, out, lse, c.lengths],
    uniforms: c.uniforms,
    grid: c.grid,
    label: 'attention.forward',
  });
}

/**
 * dqkv (B, T, 3C) += d(out)/d(qkv)ᵀ · dout. `out` and `lse` are the forward's outputs; `scratch` (B, H, T)
 * receives Δ_i = Σ_d dout·out between the two dispatches (dq per query rows, then dk/dv per key rows).
 */
export function attentionBackward(
  gpu: Gpu,
  qkv: Tensor,
  out: Tensor,
  dout: Tensor,
  lse: Tensor,
  dqkv: Tensor,
  scratch: Tensor,
  d: AttnDims,
): void {
  const C = d.H * d.D;
  const nQkv = d.B * d.T * 3 * C;
  const nOut = d.B * d.T * C;
  const nRow = d.B * d.H * d.T;
  validate(d, [
    [qkv, nQkv, 'qkv'],
    [out, nOut, 'out'],
    [dout, nOut, 'dout'],
    [lse, nRow, 'lse'],
    [dqkv, nQkv, 'dqkv'],
    [scratch, nRow, 'scratch'],
  ]);
  const c = common(gpu, d);
  if (directPath(d)) {
    const u = [...c.uniforms, d.B];
    gpu.run({ shader: directDq, constants: c.constants, bindings: [qkv, out, dout, lse, dqkv, scratch, c.lengths], uniforms: u, grid: directGrid(d), label: 'attention.backward.dq' });
    gpu.run({ shader: directDkdv, constants: c.constants, bindings: [qkv, dout, lse, scratch, dqkv, c.lengths], uniforms: u, grid: directGrid(d), label: 'attention.backward.dkdv' });
    return;
  }
  gpu.run({
    shader: dqShader,
    constants: c.constants,
    bindings: [qkv, out, dout, lse, dqkv, scratch, c.lengths],
    uniforms: c.uniforms,
    grid: c.grid,
    label: 'attention.backward.dq',
  });
  gpu.run({
    shader: dkdvShader,
    constants: c.constants,
    bindings: [qkv, dout, lse, scratch, dqkv, c.lengths],
    uniforms: c.uniforms,
    grid: c.grid,
    label: 'attention.backward.dkdv',
  });
}

/** probs (B, H, T, T): softmax probabilities, 0 where masked (for attention maps). */
export function attentionProbs(gpu: Gpu, qkv: Tensor, probs: Tensor, d: AttnDims): void {
  validate(d, [
    [qkv, d.B * d.T * 3 * d.H * d.D, 'qkv'],
    [probs, d.B * d.H * d.T * d.T, 'probs'],
  ]);
  const c = common(gpu, d);
  gpu.run({
    shader: probsShader,
    constants: c.constants,
    bindings: [qkv, probs, c.lengths],
    uniforms: c.uniforms,
    grid: c.grid,
    label: 'attention.probs',
  });
}

// ---------------------------------------------------------------- CPU references (float64)

export type AttnRefDims = Omit<AttnDims, 'lengths'> & { lengths?: ArrayLike<number> };

/** Valid key count of batch row b, clamped to [1, T] exactly as the kernels do. */
function refLen(d: AttnRefDims, b: number): number {
  if (!d.lengths) return d.T;
  return Math.min(d.T, Math.max(1, Math.trunc(d.lengths[b])));
}

function visible(d: AttnRefDims, len: number, i: number, j: number): boolean {
  return j < len && (!d.causal || j <= i);
}

export function attentionForwardRef(
  qkv: ArrayLike<number>,
  d: AttnRefDims,
): { out: Float64Array; lse: Float64Array; probs: Float64Array } {
  const { B, T, H, D } = d;
  const C = H * D;
  const scale = 1 / Math.sqrt(D);
  const out = new Float64Array(B * T * C);
  const lse = new Float64Array(B * H * T);
  const probs = new Float64Array(B * H * T * T);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const len = refLen(d, b);
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const qo = (b * T + i) * 3 * C + h * D;
        let m = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < T; j++) {
          if (!visible(d, len, i, j)) continue;
          const ko = (b * T + j) * 3 * C + C + h * D;
          let acc = 0;
          for (let k = 0; k < D; k++) acc += qkv[qo + k] * qkv[ko + k];
          s[j] = acc * scale;
          m = Math.max(m, s[j]);
        }
        let l = 0;
        for (let j = 0; j < T; j++) if (visible(d, len, i, j)) l += Math.exp(s[j] - m);
        const row = ((b * H + h) * T + i) * T;
        const oo = (b * T + i) * C + h * D;
        for (let j = 0; j < T; j++) {
          if (!visible(d, len, i, j)) continue;
          const pr = Math.exp(s[j] - m) / l;
          probs[row + j] = pr;
          const vo = (b * T + j) * 3 * C + 2 * C + h * D;
          for (let k = 0; k < D; k++) out[oo + k] += pr * qkv[vo + k];
        }
        lse[(b * H + h) * T + i] = m + Math.log(l);
      }
    }
  }
  return { out, lse, probs };
}

/** d(Σ out·dout)/d(qkv), derived by hand: dv = Pᵀ dO, dS = P∘(dO Vᵀ − rowsum(dO∘O)), dq = scale·dS K, dk = scale·dSᵀ Q. */
export function attentionBackwardRef(qkv: ArrayLike<number>, dout: ArrayLike<number>, d: AttnRefDims): Float64Array {
  const { B, T, H, D } = d;
  const C = H * D;
  const scale = 1 / Math.sqrt(D);
  const { out, probs } = attentionForwardRef(qkv, d);
  const g = new Float64Array(B * T * 3 * C);
  for (let b = 0; b < B; b++) {
    const len = refLen(d, b);
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const oo = (b * T + i) * C + h * D;
        let delta = 0;
        for (let k = 0; k < D; k++) delta += dout[oo + k] * out[oo + k];
        const qo = (b * T + i) * 3 * C + h * D;
        const row = ((b * H + h) * T + i) * T;
        for (let j = 0; j < T; j++) {
          if (!visible(d, len, i, j)) continue;
          const pr = probs[row + j];
          const ko = (b * T + j) * 3 * C + C + h * D;
          const vo = ko + C;
          let dp = 0;
          for (let k = 0; k < D; k++) dp += dout[oo + k] * qkv[vo + k];
          const ds = pr * (dp - delta) * scale;
          for (let k = 0; k < D; k++) {
            g[vo + k] += pr * dout[oo + k];
            g[qo + k] += ds * qkv[ko + k];
            g[ko + k] += ds * qkv[qo + k];
          }
        }
      }
    }
  }
  return g;
}
