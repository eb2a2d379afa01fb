import { Rng, randArray } from '../engine/rng';
import { type KernelCheck, judge } from './check';
import { matmul, matmulRef, vec4Applies } from './matmul';

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
  { M: 512, N: 384, K: 257, heavy: true },
  { M: 544, N: 256, K: 64, transB: true, bias: true, heavy: true },
];

function caseName(c: Case): string {
  const op = `${c.transA ? 'Aᵀ' : 'A'}·${c.transB ? 'Bᵀ' : 'B'}`;
  const extras = [
    c.batch ? `batch ${c.batch}` : '',
    c.bias ? 'bias' : '',
    c.accumulate ? '+=' : '',
    c.alpha ? `α=${c.alpha}` : '',
    c.broadcastB ? 'B broadcast' : '',
  ].filter(Boolean);
  return `${op} ${c.M}×${c.K}·${c.K}×${c.N}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

export const checks: KernelCheck[] = (['tiled', 'direct', 'vec4'] as const).flatMap((variant) => cases.filter((c) => variant !== 'vec4' || vec4Applies({ transA: c.transA, transB: c.transB }, c.K, c.M * c.K, c.broadcastB ? 0 : c.K * c.N)).map((c, i) => ({
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
    const opts = { transA: c.transA, transB: c.transB, accumulate: c.accumulate, alpha: c.alpha, batch, strideB: sB, variant };
    matmul(gpu, A, B, C, c.M, c.N, c.K, { ...opts, bias: Bias });
    const got = await gpu.read(C);
    const want = matmulRef(a, b, c.M, c.N, c.K, { ...opts, bias, c: c0 });
    for (const t of [A, B, C, Bias]) t?.buffer.destroy();
    return judge(`matmul.${variant}`, caseName(c), [{ label: 'C', actual: got, expected: want, tol: tol(c.K) }]);
  },
})));
