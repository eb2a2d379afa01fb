// The optimizer over the whole parameter arena with no readback in the step:
//   gradNorm: grads (n) -> partials (numPartials(n)) -> stats (4) = [norm, clip, nonFinite, 0]
//   adamw:    one element-wise dispatch that reads the clip factor and the skip flag from stats, with
//             per-group lr / weight-decay multipliers and an optional clamp of one element (logit scale).
// Plus CPU float64 references with the same semantics and the learning-rate schedule.
// See shaders/grad_norm.wgsl and shaders/adamw.wgsl for the formulas and bindings.
import type { Gpu } from '../gpu/runtime';
import { type Tensor, alignUp, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import adamwCode from '../../shaders/adamw.wgsl?raw';
import gradNormCode from '../../shaders/grad_norm.wgsl?raw';

const gradNormShader = { name: 'grad_norm', code: gradNormCode };
const adamwShader = { name: 'adamw', code: adamwCode };

const WG = 256;
/** Stage 2 is one workgroup looping over the partials: cap them so it stays cheap. */
const MAX_PARTIALS = 1024;
/** Below this many elements per workgroup, use fewer workgroups (16 elements per thread). */
const MIN_CHUNK = WG * 16;
/** Largest finite f32: a sum of squares above it overflows on the GPU (flagged non-finite). */
const F32_MAX = 3.4028234663852886e38;
/** Elements per group-mask entry (one u32 group id per 64-element arena block). */
const GROUP_BLOCK = 64;
/** clampAt value meaning: no clamp. */
const NO_CLAMP = 0xffffffff;

/**
 * The optimiser groups, indexed by the group id of src/gpu/arena.ts groupBlocks: no decay (gains, biases,
 * embeddings, logit scale; shared or not), decaying modality-specific weights, decaying shared weights; then,
 * in teacher runs only (LLM2CLIP fine-tunes a pretrained vision encoder at its own lr), the vision tower's
 * no-decay and decaying views (ParamSpec.visionTower; never shared: a teacher run has no text tower).
 */
export const OPTIM_GROUPS = ['noDecay', 'specific', 'shared', 'visionNoDecay', 'visionSpecific'] as const;
export type OptimGroup = (typeof OPTIM_GROUPS)[number];
/** Multipliers per group, in OPTIM_GROUPS order. */
export type GroupMults = readonly [noDecay: number, specific: number, shared: number, visionNoDecay: number, visionSpecific: number];
/** Defaults: every group at the base lr; weight decay on the decaying groups only (plain AdamW). */
export const DEFAULT_LR_MULT: GroupMults = [1, 1, 1, 1, 1];
export const DEFAULT_WD_MULT: GroupMults = [0, 1, 1, 0, 1];

/** Number of stage-1 partial sums (the size of the `partials` tensor) for n gradient elements. */
export function numPartials(n: number): number {
  return Math.min(MAX_PARTIALS, Math.max(1, Math.ceil(n / MIN_CHUNK)));
}

/** Elements reduced by each stage-1 workgroup (a multiple of 256 for aligned, coalesced reads). */
function chunkOf(n: number): number {
  return alignUp(Math.max(1, Math.ceil(n / numPartials(n))), WG);
}

function need(op: string, t: Tensor, n: number, what: string): void {
  if (numel(t.shape) < n) throw new Error(`${op} ${what} ${t.label ?? ''}: has ${numel(t.shape)} elements, needs ${n}`);
}

/**
 * stats (4 f32) = [global L2 norm of grads[0..n), clip = min(1, maxNorm/(norm+1e-6)) (1 if maxNorm <= 0),
 * 1 if any gradient is NaN/Inf (or the f32 sum of squares overflows) else 0, 0]. When non-finite the
 * stats are [+Inf, 1, 1, 0]. Two dispatches, deterministic order; nothing is read back.
 */
export function gradNorm(gpu: Gpu, grads: Tensor, partials: Tensor, stats: Tensor, n: number, maxNorm: number): void {
  const P = numPartials(n);
  need('gradNorm', grads, n, 'grads');
  need('gradNorm', partials, P, 'partials');
  need('gradNorm', stats, 4, 'stats');
  const mn = f32(maxNorm);
  gpu.run({
    shader: gradNormShader,
    entry: 'partials',
    bindings: [grads, { ...partials, shape: [P] }],
    uniforms: [n, chunkOf(n), mn, P],
    grid: P,
    label: 'grad_norm.partials',
  });
  gpu.run({
    shader: gradNormShader,
    entry: 'finalize',
    bindings: [{ ...partials, shape: [P] }, { ...stats, shape: [4] }],
    uniforms: [P, 0, mn, 1],
    grid: 1,
    label: 'grad_norm.finalize',
  });
}

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count (for bias correction). */
  step: number;
  /** Per-group lr multipliers (OPTIM_GROUPS order): group g steps with lr·lrMult[g]. Default DEFAULT_LR_MULT. */
  lrMult?: GroupMults;
  /** Per-group weight-decay multipliers: group g decays with weightDecay·wdMult[g]. Default DEFAULT_WD_MULT. */
  wdMult?: GroupMults;
  /** Clamp params[index] into [min, max] after the update (open_clip's logit-scale clamp); none when absent. */
  clamp?: { index: number; min: number; max: number };
}

function biasCorrections(h: AdamWHyper): [number, number] {
  if (!(h.step >= 1)) throw new Error(`adamw: step must be 1-based, got ${h.step}`);
  return [1 - h.beta1 ** h.step, 1 - h.beta2 ** h.step];
}

/**
 * One AdamW step over params/m/v[0..n) (PyTorch AdamW semantics) with the gradient scaled by
 * stats[1]; skipped entirely when stats[2] != 0. groupMask holds one u32 group id (OPTIM_GROUPS index) per
 * 64 elements (a 0/1 decay mask is the special case under the default multipliers); params[clamp.index] is
 * clamped after the update. Grads are left intact. One dispatch (grid folded above 65,535 workgroups).
 */
export function adamw(
  gpu: Gpu,
  params: Tensor,
  grads: Tensor,
  m: Tensor,
  v: Tensor,
  groupMask: Tensor,
  stats: Tensor,
  n: number,
  h: AdamWHyper,
): void {
  for (const [t, what] of [
    [params, 'params'],
    [grads, 'grads'],
    [m, 'm'],
    [v, 'v'],
  ] as const) {
    need('adamw', t, n, what);
  }
  const blocks = Math.max(1, Math.ceil(n / GROUP_BLOCK));
  need('adamw', groupMask, blocks, 'groupMask');
  const lrm = h.lrMult ?? DEFAULT_LR_MULT;
  const wdm = h.wdMult ?? DEFAULT_WD_MULT;
  const c = h.clamp;
  if (c && !(Number.isInteger(c.index) && c.index >= 0 && c.index < n)) throw new Error(`adamw: clamp index ${c.index} outside [0, ${n})`);
  need('adamw', stats, 4, 'stats');
  const [bc1, bc2] = biasCorrections(h);
  const view = (t: Tensor, k: number): Tensor => ({ ...t, shape: [k] });
  gpu.run({
    shader: adamwShader,
    bindings: [view(params, n), view(grads, n), view(m, n), view(v, n), view(groupMask, blocks), view(stats, 4)],
    uniforms: [n, ...[h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, bc1, bc2, ...lrm, ...wdm].map(f32), c ? c.index : NO_CLAMP, f32(c?.min ?? 0), f32(c?.max ?? 0)],
    grid: Math.ceil(n / WG),
    label: 'adamw',
  });
}

// ------------------------------------------------------------------ CPU references (float64)

export interface GradNormResult {
  norm: number;
  clip: number;
  nonFinite: boolean;
}

/** Same semantics as gradNorm (including the f32-overflow flag), in float64. */
export function gradNormRef(grads: ArrayLike<number>, maxNorm: number): GradNormResult {
  let s = 0;
  let bad = false;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (!Number.isFinite(g)) bad = true;
    else s += g * g;
  }
  if (bad || s > F32_MAX) return { norm: Number.POSITIVE_INFINITY, clip: 1, nonFinite: true };
  const norm = Math.sqrt(s);
  const clip = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
  return { norm, clip, nonFinite: false };
}

export interface AdamWState {
  params: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

/** One AdamW step in float64 with the semantics of `adamw` (clip, non-finite skip, groups, clamp). */
export function adamwRef(
  params: ArrayLike<number>,
  grads: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  groupMask: ArrayLike<number>,
  stats: Pick<GradNormResult, 'clip' | 'nonFinite'>,
  h: AdamWHyper,
): AdamWState {
  const n = params.length;
  const out: AdamWState = { params: Float64Array.from(params), m: Float64Array.from(m), v: Float64Array.from(v) };
  if (stats.nonFinite) return out;
  const [bc1, bc2] = biasCorrections(h);
  const lrm = h.lrMult ?? DEFAULT_LR_MULT;
  const wdm = h.wdMult ?? DEFAULT_WD_MULT;
  for (let i = 0; i < n; i++) {
    const g = grads[i] * stats.clip;
    const mi = h.beta1 * out.m[i] + (1 - h.beta1) * g;
    const vi = h.beta2 * out.v[i] + (1 - h.beta2) * g * g;
    out.m[i] = mi;
    out.v[i] = vi;
    const grp = groupMask[Math.floor(i / GROUP_BLOCK)];
    const x = out.params[i];
    out.params[i] = x - h.lr * lrm[grp] * (mi / bc1 / (Math.sqrt(vi / bc2) + h.eps) + h.weightDecay * wdm[grp] * x);
  }
  const c = h.clamp;
  if (c) out.params[c.index] = Math.min(c.max, Math.max(c.min, out.params[c.index]));
  return out;
}

// ------------------------------------------------------------------ learning-rate schedule

export interface LrSchedule {
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  /** Linear warmup steps (from 0 at step 0 to lr at step `warmup`). */
  warmup: number;
  /** Step at which the cosine decay reaches minLr (held there afterwards). */
  total: number;
  minLr?: number;
}

/** Linear warmup 0 -> lr over [0, warmup], then cosine lr -> minLr over [warmup, total], then minLr. */
export function lrAt(step: number, s: LrSchedule): number {
  const minLr = s.minLr ?? 0;
  if (step < s.warmup) return (s.lr * Math.max(0, step)) / s.warmup;
  if (step >= s.total) return step === s.warmup ? s.lr : minLr;
  const progress = (step - s.warmup) / (s.total - s.warmup);
  return minLr + 0.5 * (s.lr - minLr) * (1 + Math.cos(Math.PI * progress));
}
