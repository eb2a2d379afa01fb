// Batched matmul launcher (six kernels, 'auto' picks one per shape class) + CPU reference.
// See each shader's header (shaders/matmul*.wgsl) for its tiling, bindings and grid.
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import { sumRows } from './elementwise';
import { dummyTensor } from './launch';
import { ChoiceCache, tunedVariant } from './tuner';

export { dummyTensor };
import code from '../../shaders/matmul.wgsl?raw';
import directCode from '../../shaders/matmul_direct.wgsl?raw';
import tiled4Code from '../../shaders/matmul_tiled4.wgsl?raw';
import vec4Code from '../../shaders/gen/matmul_vec4.wgsl?raw';
import vec4nnCode from '../../shaders/gen/matmul_vec4nn.wgsl?raw';
import vec4tnCode from '../../shaders/gen/matmul_vec4tn.wgsl?raw';

type Layout = 'bt' | 'nn' | 'tn';
/**
 * The barrier-free vec4 kernels: one layout each (bt = A·Bᵀ, nn = A·B, tn = Aᵀ·B), an RM×RN register block
 * per invocation. Block shapes are the fastest of those tried on SwiftShader (A·Bᵀ 4×4, 4×8, 8×8, 16×8,
 * 4×16; A·B 4×8, 8×4, 8×8, 4×16; Aᵀ·B 8×8, 8×16, 16×8, 16×16, 32×8) over the bench's training shapes.
 */
const BLOCKED: Record<string, { layout: Layout; RM: number; RN: number; code: string }> = {
  vec4: { layout: 'bt', RM: 8, RN: 8, code: vec4Code },
  vec4nn: { layout: 'nn', RM: 4, RN: 8, code: vec4nnCode },
  vec4tn: { layout: 'tn', RM: 16, RN: 8, code: vec4tnCode },
};

const shaders = {
  tiled: { name: 'matmul', code },
  direct: { name: 'matmul_direct', code: directCode },
  tiled4: { name: 'matmul_tiled4', code: tiled4Code },
  ...Object.fromEntries(Object.entries(BLOCKED).map(([k, v]) => [k, { name: `matmul_${k}`, code: v.code }])),
} as Record<'tiled' | 'direct' | 'tiled4' | 'vec4' | 'vec4nn' | 'vec4tn', { name: string; code: string }>;

/**
 * The kernels (see each shader's header):
 * - 'direct': barrier-free scalar, 4×4 per invocation, any shape and layout.
 * - 'tiled':  64×64 workgroup tiles in shared memory, scalar loads, any shape and layout.
 * - 'vec4':   barrier-free A·Bᵀ, both operands read as vec4 along K (K % 4 == 0), 8×8 per invocation.
 * - 'vec4nn': barrier-free A·B, vec4 along K for A and along N for B (K, N % 4 == 0), 4×8 per invocation.
 * - 'vec4tn': barrier-free Aᵀ·B, vec4 along M for A and along N for B (M, N % 4 == 0), 16×8 per invocation.
 * - 'tiled4': shared-memory 64×64 tiles, vec4 loads, 8×8 per invocation, every layout (alignment rules).
 */
export type MatmulKernel = keyof typeof shaders;
export const MATMUL_KERNELS = Object.keys(shaders) as MatmulKernel[];
/** 'auto' picks per shape class (autoKernel); a kernel name forces it (throws where it does not apply). */
export type MatmulVariant = 'auto' | MatmulKernel;

/** What decides which kernels apply: the product's layout, sizes and batch strides (elements). */
export interface MatmulShape {
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

const strides4 = (s: MatmulShape) =>
  (s.strideA ?? s.M * s.K) % 4 === 0 && (s.strideB ?? s.K * s.N) % 4 === 0 && (s.strideC ?? s.M * s.N) % 4 === 0;

/** Whether the vec4 (A·Bᵀ) kernel applies to these operands. */
export function vec4Applies(o: MatmulOpts, K: number, sA: number, sB: number): boolean {
  return !o.transA && !!o.transB && K % 4 === 0 && sA % 4 === 0 && sB % 4 === 0;
}

function layoutApplies(l: Layout, s: MatmulShape): boolean {
  if (l === 'bt') return vec4Applies(s, s.K, s.strideA ?? s.M * s.K, s.strideB ?? s.K * s.N);
  if (s.transB || s.N % 4 !== 0 || !strides4(s)) return false;
  return l === 'tn' ? !!s.transA && s.M % 4 === 0 : !s.transA && s.K % 4 === 0;
}

/** Whether the tiled4 kernel applies (every operand readable as vec4 along its contiguous dimension). */
export function tiled4Applies(s: MatmulShape): boolean {
  if (s.N % 4 !== 0 || !strides4(s)) return false;
  if (s.transA ? s.M % 4 !== 0 : s.K % 4 !== 0) return false;
  return !s.transB || s.K % 4 === 0;
}

export function kernelApplies(k: MatmulKernel, s: MatmulShape): boolean {
  const blk = BLOCKED[k];
  if (blk) return layoutApplies(blk.layout, s);
  return k === 'tiled4' ? tiled4Applies(s) : true;
}

export function applicableKernels(s: MatmulShape): MatmulKernel[] {
  return MATMUL_KERNELS.filter((k) => kernelApplies(k, s));
}

/** Scalar kernels (no vec4 kernel applies): barrier-free below this K, the tiled one from here up. */
const DIRECT_MAX_K = 511;

/**
 * The 'auto' choice per shape class: the fastest measured by `npm run bench` on SwiftShader
 * (bench/results/swiftshader.md, 18 training shapes K = 32…1088 and squares 64…512):
 * - A·Bᵀ → vec4, A·B → vec4nn, Aᵀ·B → vec4tn whenever their alignment holds (every ShareLab shape):
 *   2–10× the scalar kernels and 1.1–2× tiled4 (one tie with tiled4 at 1088×768×256);
 * - otherwise the scalar kernels: direct for K < 512, tiled from K = 512 (~10 % faster there).
 * tiled4 (shared memory + vec4) loses on SwiftShader, where a workgroup barrier is a fiber switch per
 * invocation; it is the design meant for large K on real GPUs, but no real GPU was measured, so auto
 * does not pick it (force it with variant: 'tiled4').
 */
export function autoKernel(s: MatmulShape): MatmulKernel {
  for (const k of ['vec4', 'vec4nn', 'vec4tn'] as const) if (kernelApplies(k, s)) return k;
  return s.K <= DIRECT_MAX_K ? 'direct' : 'tiled';
}

/** The tuner's key for a matmul call: layout, sizes, batch and strides (what its timing depends on). */
export function matmulShapeKey(s: MatmulShape, batch = 1): string {
  return `${describeShape(s)} batch=${batch} strides=${s.strideA ?? s.M * s.K},${s.strideB ?? s.K * s.N},${s.strideC ?? s.M * s.N}`;
}

const tuned = new ChoiceCache<string | undefined>();
/** The autotuner's choice for this shape when it timed one (src/kernels/tuner.ts), else autoKernel. */
export function tunedKernel(s: MatmulShape, batch = 1): MatmulKernel {
  const key = [s.M, s.N, s.K, s.transA ? 1 : 0, s.transB ? 1 : 0, s.strideA ?? -1, s.strideB ?? -1, s.strideC ?? -1, batch];
  const t = tuned.choose(key, () => tunedVariant('matmul', matmulShapeKey(s, batch), { ...s, batch }));
  return t && t in shaders && kernelApplies(t as MatmulKernel, s) ? (t as MatmulKernel) : autoKernel(s);
}

let defaultVariant: MatmulVariant = 'auto';
export function setMatmulVariant(v: MatmulVariant): void {
  defaultVariant = v;
}

export interface MatmulOpts {
  transA?: boolean;
  transB?: boolean;
  /** (N,) added to every row. */
  bias?: Tensor;
  /** C += result instead of C = result (gradient accumulation). */
  accumulate?: boolean;
  /**
   * Aᵀ·B only, batch 1: also rowSums (M) += alpha · Σ_k op(A)[m, k] = Σ_k A[k, m]. For dW = dYᵀ·X this is the
   * bias gradient Σ_n dY[n, :], fused into the vec4tn kernel (one dispatch instead of two); with another
   * kernel it falls back to sumRows (alpha 1 only).
   */
  rowSums?: Tensor;
  alpha?: number;
  /** Batch count; strides default to one matrix per batch. Pass 0 to broadcast an operand. */
  batch?: number;
  variant?: MatmulVariant;
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

/** A 4-element (16-byte) dummy for unused read_write vec4 bindings (a vec4 array needs ≥ 16 bytes). */
const dummies4 = new WeakMap<Gpu, Tensor>();
function dummyVec4(gpu: Gpu): Tensor {
  let t = dummies4.get(gpu);
  if (!t) {
    t = gpu.tensor([4], 'dummy.vec4');
    dummies4.set(gpu, t);
  }
  return t;
}

/** C (batch, M, N) = alpha · op(A) · op(B) (+ bias) (+ C). */
export function matmul(gpu: Gpu, a: Tensor, b: Tensor, c: Tensor, M: number, N: number, K: number, o: MatmulOpts = {}): void {
  const batch = o.batch ?? 1;
  const sA = o.strideA ?? M * K;
  const sB = o.strideB ?? K * N;
  const sC = o.strideC ?? M * N;
  const need = (t: Tensor, n: number, what: string) => {
    if (numel(t.shape) < n) throw new Error(`matmul ${what} ${t.label ?? ''}: has ${numel(t.shape)} elements, needs ${n}`);
  };
  need(a, sA * (batch - 1) + M * K, 'A');
  need(b, sB * (batch - 1) + K * N, 'B');
  need(c, sC * (batch - 1) + M * N, 'C');
  if (o.bias) need(o.bias, N, 'bias');
  if (o.rowSums) {
    if (!o.transA || o.transB || batch !== 1) throw new Error('matmul rowSums: only for Aᵀ·B with batch 1');
    need(o.rowSums, M, 'rowSums');
  }
  const shape: MatmulShape = { M, N, K, transA: o.transA, transB: o.transB, strideA: sA, strideB: sB, strideC: sC };
  const v = o.variant ?? defaultVariant;
  if (v !== 'auto' && !kernelApplies(v, shape)) throw new Error(`matmul ${v} kernel does not apply to ${describeShape(shape)}`);
  const kind = v === 'auto' ? tunedKernel(shape, batch) : v;
  if (o.rowSums && kind !== 'vec4tn' && (o.alpha ?? 1) !== 1) throw new Error('matmul rowSums with alpha ≠ 1 needs the vec4tn kernel');
  const flags = { HAS_BIAS: !!o.bias, ACCUMULATE: !!o.accumulate };
  let constants: Record<string, boolean | number>;
  let grid: [number, number, number];
  const blk = BLOCKED[kind];
  if (blk) {
    const { RM, RN } = blk;
    const { WX, WY } = workgroupFor(M, N, RM, RN);
    const exact = M % (RM * WY) === 0 && N % (RN * WX) === 0;
    constants = blk.layout === 'bt' ? { ...flags, WX, WY } : { ...flags, EXACT: exact, WX, WY };
    if (blk.layout === 'tn') constants.ROW_SUM = !!o.rowSums;
    grid = [Math.ceil(N / (RN * WX)), Math.ceil(M / (RM * WY)), batch];
  } else if (kind === 'tiled4') {
    const exact = M % 64 === 0 && N % 64 === 0 && K % 16 === 0;
    constants = { ...flags, TRANS_A: !!o.transA, TRANS_B: !!o.transB, EXACT: exact };
    grid = [Math.ceil(N / 64), Math.ceil(M / 64), batch];
  } else {
    constants = { ...flags, TRANS_A: !!o.transA, TRANS_B: !!o.transB };
    const tile = kind === 'tiled' ? 64 : 32;
    grid = [Math.ceil(N / tile), Math.ceil(M / tile), batch];
  }
  const bindings = [a, b, c, o.bias ?? dummyTensor(gpu)];
  if (kind === 'vec4tn') bindings.push(o.rowSums ?? dummyVec4(gpu));
  gpu.run({
    shader: shaders[kind],
    constants,
    bindings,
    uniforms: [M, N, K, sA, sB, sC, f32(o.alpha ?? 1)],
    grid,
    label: `matmul.${kind}${o.transA ? '.Ta' : ''}${o.transB ? '.Tb' : ''}${o.rowSums && kind === 'vec4tn' ? '+rowsum' : ''}`,
  });
  if (o.rowSums && kind !== 'vec4tn') sumRows(gpu, a, o.rowSums, K, M); // A (K, M): Σ over its K rows
}

/**
 * Workgroup shape for the barrier-free kernels, whose invocations own RM×RN blocks of C: 64 invocations,
 * fewer when the output is small so that there are still ≥ 8 workgroups to spread over CPU threads
 * (SwiftShader) or SMs; WX never wider than the output's columns of blocks (no idle columns).
 */
export function workgroupFor(M: number, N: number, RM: number, RN: number): { WX: number; WY: number } {
  const nx = Math.ceil(N / RN);
  const inv = nx * Math.ceil(M / RM);
  const size = inv >= 64 * 8 ? 64 : inv >= 32 * 8 ? 32 : 16;
  const WX = Math.min(8, 2 ** Math.floor(Math.log2(nx)));
  return { WX, WY: size / WX };
}

export function describeShape(s: MatmulShape): string {
  return `${s.transA ? 'Aᵀ' : 'A'}·${s.transB ? 'Bᵀ' : 'B'} M=${s.M} N=${s.N} K=${s.K}`;
}

/** CPU reference (float64 accumulation). `c` is only read when accumulating. */
export function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  N: number,
  K: number,
  o: Omit<MatmulOpts, 'bias'> & { bias?: ArrayLike<number>; c?: ArrayLike<number> } = {},
): Float64Array {
  const batch = o.batch ?? 1;
  const sA = o.strideA ?? M * K;
  const sB = o.strideB ?? K * N;
  const sC = o.strideC ?? M * N;
  const out = new Float64Array(sC * (batch - 1) + M * N);
  if (o.c) for (let i = 0; i < out.length; i++) out[i] = o.c[i];
  const alpha = o.alpha ?? 1;
  for (let bi = 0; bi < batch; bi++) {
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = o.transA ? a[bi * sA + k * M + m] : a[bi * sA + m * K + k];
          const bv = o.transB ? b[bi * sB + n * K + k] : b[bi * sB + k * N + n];
          s += av * bv;
        }
        let v = alpha * s + (o.bias ? o.bias[n] : 0);
        const idx = bi * sC + m * N + n;
        if (o.accumulate) v += out[idx];
        out[idx] = v;
      }
    }
  }
  return out;
}
