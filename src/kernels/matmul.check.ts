import { Rng, randArray } from '../util/rng';
import { type KernelCheck, judge } from './check';
import { MATMUL_KERNELS, kernelApplies, matmul, matmulRef } from './matmul';

// fp32 accumulation over K terms of N(0,1) products: error grows ~ sqrt(K)·eps·|terms|.
const tol = (K: number) => ({ atol: 1e-5 * Math.sqrt(K) * 4, rtol: 1e-4 });

interface Case {
  M: number;
  N: number;
  K: number;
  batch?: number;
  transA?: boolean;
  transB?: boolean;
  bias?: boolean;
  accumulate?: boolean;
  alpha?: number;
  broadcastB?: boolean;
  /** Aᵀ·B: also rowSums (M) += alpha · Σ_k A[k, m] (fused in vec4tn, sumRows fallback elsewhere: alpha 1). */
  rowSums?: boolean;
  heavy?: boolean;
}

const cases: Case[] = [
  { M: 1, N: 1, K: 1 },
  { M: 3, N: 17, K: 33 },
  { M: 17, N: 33, K: 65, transB: true },
  { M: 33, N: 65, K: 17, transA: true },
  { M: 65, N: 127, K: 3, transA: true, transB: true },
  { M: 127, N: 3, K: 257, bias: true },
  { M: 257, N: 65, K: 33, batch: 3, accumulate: true, alpha: 0.5 },
  { M: 64, N: 64, K: 64, batch: 2, transB: true, bias: true },
  { M: 33, N: 17, K: 9, batch: 4, broadcastB: true },
  { M: 33, N: 17, K: 36, transB: true },
  { M: 127, N: 65, K: 128, batch: 2, transB: true, bias: true, accumulate: true, alpha: 0.75 },
  { M: 1, N: 5, K: 4, transB: true },
  // Aligned shapes (N % 4 == 0, K or M % 4 == 0) that the vec4nn / tiled4 kernels take, edges included.
  { M: 17, N: 36, K: 20 },
  { M: 36, N: 68, K: 33, transA: true },
  { M: 4, N: 4, K: 1, transA: true },
  { M: 65, N: 44, K: 12, batch: 3, bias: true, accumulate: true, alpha: 0.5 },
  { M: 20, N: 132, K: 129, transA: true, batch: 2, accumulate: true },
  { M: 33, N: 20, K: 36, transB: true, accumulate: true },
  { M: 20, N: 12, K: 40, transA: true, transB: true, bias: true },
  { M: 9, N: 8, K: 8, batch: 3, broadcastB: true },
  // Shapes that divide the tiles exactly (EXACT fast paths; N = 32 takes vec4nn's 4×16 workgroup).
  { M: 64, N: 64, K: 32 },
  { M: 64, N: 32, K: 17, transA: true, accumulate: true },
  { M: 128, N: 64, K: 48, transB: true, bias: true },
  { M: 64, N: 128, K: 96, transA: true, transB: true },
  // The bias gradient fused into the weight gradient (rowSums), onto a random initial value.
  { M: 36, N: 68, K: 33, transA: true, accumulate: true, rowSums: true },
  { M: 64, N: 32, K: 17, transA: true, rowSums: true, alpha: 0.5 },
  { M: 20, N: 12, K: 9, transA: true, rowSums: true },
  // tiled128 (issue 17): 128×128 tiles exactly (EXACT), two tiles with a ragged third, K off its 8-step.
  { M: 128, N: 256, K: 64, transB: true },
  { M: 256, N: 132, K: 20, transA: true, accumulate: true },
  { M: 130, N: 136, K: 12, batch: 2, bias: true },
  { M: 512, N: 384, K: 257, heavy: true },
  { M: 544, N: 256, K: 64, transB: true, bias: true, heavy: true },
  { M: 1088, N: 64, K: 256, accumulate: true, heavy: true },
  { M: 256, N: 256, K: 1088, transA: true, accumulate: true, heavy: true },
];

function caseName(c: Case): string {
  const op = `${c.transA ? 'Aᵀ' : 'A'}·${c.transB ? 'Bᵀ' : 'B'}`;
  const extras = [
    c.batch ? `batch ${c.batch}` : '',
    c.bias ? 'bias' : '',
    c.accumulate ? '+=' : '',
    c.alpha ? `α=${c.alpha}` : '',
    c.broadcastB ? 'B broadcast' : '',
    c.rowSums ? 'row sums' : '',
  ].filter(Boolean);
  return `${op} ${c.M}×${c.K}·${c.K}×${c.N}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

const applies = (variant: (typeof MATMUL_KERNELS)[number], c: Case) =>
  kernelApplies(variant, { M: c.M, N: c.N, K: c.K, transA: c.transA, transB: c.transB, strideB: c.broadcastB ? 0 : c.K * c.N }) &&
  (!c.rowSums || variant === 'vec4tn' || (c.alpha ?? 1) === 1);

/** rs0 + alpha · Σ_k A[k, m] for A stored (K, M). */
function rowSumsRef(a: ArrayLike<number>, M: number, K: number, alpha: number, rs0: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(rs0);
  for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) out[m] += alpha * a[k * M + m];
  return out;
}

export const checks: KernelCheck[] = MATMUL_KERNELS.flatMap((variant) => cases.filter((c) => applies(variant, c)).map((c, i) => ({
  kernel: `matmul.${variant}`,
  name: caseName(c),
  heavy: c.heavy,
  async run(gpu) {
    const rng = new Rng(100 + i);
    const batch = c.batch ?? 1;
    const sB = c.broadcastB ? 0 : c.K * c.N;
    const a = randArray(rng, batch * c.M * c.K);
    const b = randArray(rng, c.broadcastB ? c.K * c.N : batch * c.K * c.N);
    const bias = c.bias ? randArray(rng, c.N) : undefined;
    const c0 = randArray(rng, batch * c.M * c.N);
    const A = gpu.fromArray(a, [a.length], 'A');
    const B = gpu.fromArray(b, [b.length], 'B');
    const C = gpu.fromArray(c0, [c0.length], 'C');
    const Bias = bias ? gpu.fromArray(bias, [c.N], 'bias') : undefined;
    const rs0 = c.rowSums ? randArray(rng, c.M) : undefined;
    const RS = rs0 ? gpu.fromArray(rs0, [c.M], 'rowSums') : undefined;
    const opts = { transA: c.transA, transB: c.transB, accumulate: c.accumulate, alpha: c.alpha, batch, strideB: sB, variant };
    matmul(gpu, A, B, C, c.M, c.N, c.K, { ...opts, bias: Bias, rowSums: RS });
    const got = await gpu.read(C);
    const gotRs = RS ? await gpu.read(RS) : undefined;
    const want = matmulRef(a, b, c.M, c.N, c.K, { ...opts, bias, c: c0 });
    for (const t of [A, B, C, Bias, RS]) t?.buffer.destroy();
    const parts = [{ label: 'C', actual: got, expected: want, tol: tol(c.K) }];
    if (gotRs && rs0) parts.push({ label: 'rowSums', actual: gotRs, expected: rowSumsRef(a, c.M, c.K, c.alpha ?? 1, rs0), tol: tol(c.K) });
    return judge(`matmul.${variant}`, caseName(c), parts);
  },
})));
