import { Rng, randArray } from '../util/rng';
import { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { type CheckResult, type KernelCheck, judge } from './check';
import { type AdamWHyper, type AdamWState, adamw, adamwRef, gradNorm, gradNormRef, numPartials } from './optimizer';

// Tolerances. The GPU sums g² in f32 (≤ ~20 serial terms per thread, then fixed trees), so the norm
// and clip factor are good to ~1e-6 relative. AdamW runs in f32 against a float64 trajectory over
// up to 5 steps: params move by ≤ ~lr per step and carry f32 rounding (~6e-8·|p|) each step.
const TOL_NORM = { atol: 1e-30, rtol: 1e-5 };
const TOL_P = { atol: 2e-6, rtol: 2e-6 };
const TOL_M = { atol: 1e-7, rtol: 1e-5 };
const TOL_V = { atol: 1e-12, rtol: 2e-5 };
const EXACT = { atol: 0, rtol: 0 };

const HYPER = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);
const destroy = (...ts: Tensor[]) => {
  for (const t of ts) t.buffer.destroy();
};

/**
 * Random group ids (0 no-decay, 1 specific, 2 shared, 3 / 4 a teacher run's vision tower; `groups` = 5) or 0/1 decay flags (`groups` = 2), one per
 * 64-element block, every value present when there are enough blocks.
 */
function randomMask(rng: Rng, n: number, groups = 2): Uint32Array {
  const mask = new Uint32Array(Math.max(1, Math.ceil(n / 64)));
  for (let b = 0; b < mask.length; b++) mask[b] = Math.min(groups - 1, Math.floor(rng.next() * groups));
  if (mask.length >= groups) for (let g = 0; g < groups; g++) mask[g] = (g + 1) % groups;
  return mask;
}

/** Non-default per-group multipliers (MS-CLIP-like: shared at half lr and double decay, no-decay with some decay). */
const GROUP_MULTS = { lrMult: [0.7, 1.3, 0.5, 0.1, 0.2], wdMult: [0.25, 1, 2, 0, 3] } as const;

// ------------------------------------------------------------------ gradNorm

interface NormCase {
  n: number;
  maxNorm: number;
  /** Put this value at `at` (NaN, ±Inf, or a huge finite value that overflows f32 g²). */
  poison?: { value: number; at: 'first' | 'middle' | 'last' };
  heavy?: boolean;
}

const normCases: NormCase[] = [
  { n: 1, maxNorm: 0.5 },
  { n: 3, maxNorm: 1e9 },
  { n: 64, maxNorm: 0 },
  { n: 65, maxNorm: 2 },
  { n: 257, maxNorm: 1e9 },
  { n: 100_003, maxNorm: 10 },
  { n: 5_000_000, maxNorm: 1, heavy: true },
  { n: 257, maxNorm: 1, poison: { value: Number.NaN, at: 'last' } },
  { n: 100_003, maxNorm: 1, poison: { value: Number.POSITIVE_INFINITY, at: 'first' } },
  { n: 65, maxNorm: 0, poison: { value: Number.NEGATIVE_INFINITY, at: 'middle' } },
  { n: 3, maxNorm: 1, poison: { value: 1e20, at: 'middle' } },
];

function normCaseName(c: NormCase): string {
  const clip = c.maxNorm <= 0 ? 'no clipping' : `maxNorm ${c.maxNorm}`;
  const poison = c.poison ? `, ${c.poison.value} at ${c.poison.at} → non-finite` : '';
  return `n=${c.n} (${numPartials(c.n)} partials), ${clip}${poison}`;
}

const normChecks: KernelCheck[] = normCases.map((c, i) => ({
  kernel: 'optimizer.gradNorm',
  name: normCaseName(c),
  heavy: c.heavy,
  async run(gpu) {
    const rng = new Rng(700 + i);
    const g = randArray(rng, c.n, 0.3);
    if (c.poison) g[c.poison.at === 'first' ? 0 : c.poison.at === 'last' ? c.n - 1 : c.n >> 1] = c.poison.value;
    const G = gpu.fromArray(g, [c.n], 'grads');
    const P = gpu.tensor([numPartials(c.n)], 'partials');
    const S = gpu.tensor([4], 'stats');
    gradNorm(gpu, G, P, S, c.n, c.maxNorm);
    const s1 = await gpu.read(S);
    gradNorm(gpu, G, P, S, c.n, c.maxNorm); // again: must be bit-identical (fixed reduction order)
    const s2 = await gpu.read(S);
    const gAfter = await gpu.read(G);
    destroy(G, P, S);
    const want = gradNormRef(g, c.maxNorm);
    const name = normCaseName(c);
    const common = [
      { label: 'deterministic (stats bits, run 2 vs 1)', actual: bits(s2), expected: bits(s1), tol: EXACT },
      { label: 'grads untouched (bits)', actual: bits(gAfter), expected: bits(g), tol: EXACT },
    ];
    if (want.nonFinite) {
      // The norm is +Inf by contract; compare "is +Inf" instead of Inf − Inf = NaN.
      return judge('optimizer.gradNorm', name, [
        { label: 'norm is +Inf', actual: [s1[0] === Number.POSITIVE_INFINITY ? 1 : 0], expected: [1], tol: EXACT },
        { label: '[clip, nonFinite, reserved]', actual: s1.subarray(1), expected: [1, 1, 0], tol: EXACT },
        ...common,
      ]);
    }
    return judge('optimizer.gradNorm', name, [
      { label: 'norm', actual: [s1[0]], expected: [want.norm], tol: TOL_NORM },
      { label: 'clip', actual: [s1[1]], expected: [want.clip], tol: TOL_NORM },
      { label: '[nonFinite, reserved]', actual: s1.subarray(2), expected: [0, 0], tol: EXACT },
      ...common,
    ]);
  },
}));

// ------------------------------------------------------------------ AdamW (with gradNorm feeding it)

interface AdamCase {
  n: number;
  steps: number;
  maxNorm: number;
  gScale: number;
  /** 1-based steps whose gradients get a NaN (the whole step must be skipped). */
  nanSteps?: number[];
  /** Run on a Gpu whose maxComputeWorkgroupsPerDimension is this small, folding both the AdamW grid
   *  and the stage-1 norm grid (with spare workgroups past the end that must stay idle). */
  foldLimit?: number;
  /** All five optimiser groups with GROUP_MULTS (else a 0/1 decay mask, default multipliers). */
  groups?: boolean;
  /** Clamp this element into p0 ± 0.005 after each update (the logit-scale clamp; lr 1e-2 overshoots it). */
  clampAt?: number;
  heavy?: boolean;
}

const adamCases: AdamCase[] = [
  { n: 1, steps: 5, maxNorm: 1e9, gScale: 1 },
  { n: 3, steps: 5, maxNorm: 0.1, gScale: 1 },
  { n: 64, steps: 5, maxNorm: 0, gScale: 0.01 },
  { n: 65, steps: 5, maxNorm: 1, gScale: 1 },
  { n: 257, steps: 5, maxNorm: 1e9, gScale: 0.1 },
  { n: 100_003, steps: 5, maxNorm: 5, gScale: 1 },
  { n: 257, steps: 5, maxNorm: 1, gScale: 1, nanSteps: [3] },
  { n: 100_003, steps: 4, maxNorm: 1e9, gScale: 1, nanSteps: [1, 3] },
  { n: 100_003, steps: 3, maxNorm: 5, gScale: 1, foldLimit: 20 },
  { n: 257, steps: 5, maxNorm: 1, gScale: 1, groups: true, clampAt: 200 },
  { n: 100_003, steps: 4, maxNorm: 1e9, gScale: 1, groups: true, clampAt: 0, nanSteps: [2] },
  { n: 5_000_000, steps: 5, maxNorm: 1, gScale: 1, heavy: true },
];

function adamCaseName(c: AdamCase): string {
  const clip = c.maxNorm <= 0 ? 'no clipping' : `maxNorm ${c.maxNorm}`;
  const nan = c.nanSteps ? `, NaN grads at step ${c.nanSteps.join('/')} → skipped` : '';
  const fold = c.foldLimit ? `, grid folded (≤ ${c.foldLimit} workgroups per dimension)` : '';
  const groups = c.groups ? '3 groups (lr × 0.7/1.3/0.5, wd × 0.25/1/2)' : 'mixed decay';
  const clamp = c.clampAt !== undefined ? `, element ${c.clampAt} clamped` : '';
  return `n=${c.n}, steps 1..${c.steps}, ${clip}, |g|~${c.gScale}, ${groups}${clamp}${nan}${fold}`;
}

/** A second Gpu on the same device with a tiny per-dimension grid limit, so 1-D grids get folded. */
function foldingGpu(gpu: Gpu, limit: number): Gpu {
  return new Gpu(gpu.device, { caps: { ...gpu.caps, limits: { ...gpu.caps.limits, maxComputeWorkgroupsPerDimension: limit } } });
}

async function runAdamCase(base: Gpu, c: AdamCase, seed: number): Promise<CheckResult> {
  const gpu = c.foldLimit ? foldingGpu(base, c.foldLimit) : base;
  const rng = new Rng(seed);
  const p0 = randArray(rng, c.n);
  const mask = randomMask(rng, c.n, c.groups ? 5 : 2);
  const extra: Partial<AdamWHyper> = {
    ...(c.groups ? GROUP_MULTS : {}),
    ...(c.clampAt !== undefined ? { clamp: { index: c.clampAt, min: p0[c.clampAt] - 0.005, max: p0[c.clampAt] + 0.005 } } : {}),
  };
  const Params = gpu.fromArray(p0, [c.n], 'params');
  const M = gpu.tensor([c.n], 'adam_m');
  const V = gpu.tensor([c.n], 'adam_v');
  const G = gpu.tensor([c.n], 'grads');
  const Mask = gpu.fromArray(mask, [mask.length], 'group_mask', 'u32');
  const Part = gpu.tensor([numPartials(c.n)], 'partials');
  const S = gpu.tensor([4], 'stats');
  gpu.upload(M, new Float32Array(c.n)); // fresh buffers are zeroed by WebGPU; explicit for clarity
  gpu.upload(V, new Float32Array(c.n));

  let ref: AdamWState = { params: Float64Array.from(p0), m: new Float64Array(c.n), v: new Float64Array(c.n) };
  const parts: Parameters<typeof judge>[2] = [];
  for (let step = 1; step <= c.steps; step++) {
    const g = randArray(rng, c.n, c.gScale);
    const poisoned = c.nanSteps?.includes(step) ?? false;
    if (poisoned) g[rng.int(c.n)] = Number.NaN;
    const h: AdamWHyper = { ...HYPER, ...extra, step };
    const before = poisoned ? await Promise.all([gpu.read(Params), gpu.read(M), gpu.read(V)]) : null;
    // Uploads happen at call time but dispatches at flush: flush each step before the next upload.
    gpu.upload(G, g);
    gradNorm(gpu, G, Part, S, c.n, c.maxNorm);
    adamw(gpu, Params, G, M, V, Mask, S, c.n, h);
    gpu.flush();
    const stats = gradNormRef(g, c.maxNorm);
    ref = adamwRef(ref.params, g, ref.m, ref.v, mask, stats, h);
    if (before) {
      const [pa, ma, va, s] = await Promise.all([gpu.read(Params), gpu.read(M), gpu.read(V), gpu.read(S)]);
      parts.push(
        { label: `step ${step} nonFinite flag`, actual: [s[2]], expected: [1], tol: EXACT },
        { label: `step ${step} params bits unchanged`, actual: bits(pa), expected: bits(before[0]), tol: EXACT },
        { label: `step ${step} m bits unchanged`, actual: bits(ma), expected: bits(before[1]), tol: EXACT },
        { label: `step ${step} v bits unchanged`, actual: bits(va), expected: bits(before[2]), tol: EXACT },
      );
    }
    if (step === c.steps) {
      const [pa, ma, va, s, ga] = await Promise.all([gpu.read(Params), gpu.read(M), gpu.read(V), gpu.read(S), gpu.read(G)]);
      parts.push(
        { label: 'params', actual: pa, expected: ref.params, tol: TOL_P },
        { label: 'm', actual: ma, expected: ref.m, tol: TOL_M },
        { label: 'v', actual: va, expected: ref.v, tol: TOL_V },
        { label: 'grads untouched (bits)', actual: bits(ga), expected: bits(g), tol: EXACT },
      );
      if (!stats.nonFinite) parts.push({ label: 'last clip', actual: [s[1]], expected: [stats.clip], tol: TOL_NORM });
    }
  }
  destroy(Params, M, V, G, Mask, Part, S);
  if (gpu !== base) {
    // Only its uniform ring is its own; destroy() would destroy the shared device.
    (gpu as unknown as { uniforms: { buffer: GPUBuffer } }).uniforms.buffer.destroy();
  }
  return judge('optimizer.adamw', adamCaseName(c), parts);
}

const adamChecks: KernelCheck[] = adamCases.map((c, i) => ({
  kernel: 'optimizer.adamw',
  name: adamCaseName(c),
  heavy: c.heavy,
  run: (gpu) => runAdamCase(gpu, c, 800 + i),
}));

export const checks: KernelCheck[] = [...normChecks, ...adamChecks];
