import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { layernormBackward, layernormBackwardRef, layernormForward, layernormForwardRef, setLayernormVariant } from './layernorm';

// Forward: |y| = O(|gamma|·3); f32 mean/variance over C terms are good to ~1e-6 relative.
const TOL_Y = { atol: 2e-5, rtol: 1e-4 };
const TOL_STAT = { atol: 1e-5, rtol: 1e-4 };
// Backward: dx sums C products per row; dgamma/dbeta sum N products per column.
// In f32, x − mean carries an absolute error ~1e-7·|x|, i.e. x̂ a relative error ~1e-7·|x|·rstd, and dx
// scales with rstd again: dx errors grow as rstd² (rows that are nearly constant, common at C = 3).
// That is the conditioning of LayerNorm itself (torch's f32 kernel has it too), so dx is compared
// after dividing row n by max(1, rstd[n]²).
const tolDx = (C: number) => ({ atol: 1e-5 * Math.sqrt(C) * 4, rtol: 1e-4 });

function scaleRows(a: ArrayLike<number>, rstd: ArrayLike<number>, C: number): Float64Array {
  return Float64Array.from(a, (v, i) => v / Math.max(1, rstd[Math.floor(i / C)] ** 2));
}
const tolDp = (N: number) => ({ atol: 1e-5 * Math.sqrt(N) * 4, rtol: 1e-4 });

interface Case {
  N: number;
  C: number;
  /** Add this to every x (a far-from-zero mean stresses the variance computation). */
  shift?: number;
  heavy?: boolean;
}

const cases: Case[] = [
  { N: 1, C: 1 },
  { N: 3, C: 17 },
  { N: 17, C: 33 },
  { N: 33, C: 65, shift: 20 },
  { N: 65, C: 127 },
  { N: 127, C: 257 },
  { N: 257, C: 3 },
  { N: 5, C: 1024 },
  { N: 2, C: 1000, shift: -5 },
  // Past 65,535 rows: one workgroup per row, so the grid folds into (x, y).
  { N: 70000, C: 3, heavy: true },
  { N: 2048, C: 768, heavy: true },
];

function inputs(c: Case, seed: number) {
  const rng = new Rng(seed);
  const x = randArray(rng, c.N * c.C).map((v) => v + (c.shift ?? 0));
  const gamma = randArray(rng, c.C);
  const beta = randArray(rng, c.C);
  return { rng, x, gamma, beta };
}

const fwdChecks = cases.map((c, i) =>
  makeCheck(
    'layernorm.forward',
    `N=${c.N} C=${c.C}${c.shift ? ` x+${c.shift}` : ''}`,
    async (gpu) => {
      const { x, gamma, beta } = inputs(c, 300 + i);
      const s = gpuScope(gpu);
      const y = s.zeros(c.N * c.C, 'y');
      const mean = s.zeros(c.N, 'mean');
      const rstd = s.zeros(c.N, 'rstd');
      layernormForward(gpu, s.up(x, 'x'), s.up(gamma, 'gamma'), s.up(beta, 'beta'), y, mean, rstd, c.N, c.C);
      const [gy, gm, gr] = [await gpu.read(y), await gpu.read(mean), await gpu.read(rstd)];
      s.free();
      const want = layernormForwardRef(x, gamma, beta, c.N, c.C);
      return [
        { label: 'y', actual: gy, expected: want.y, tol: TOL_Y },
        { label: 'mean', actual: gm, expected: want.mean, tol: TOL_STAT },
        // C = 1: variance 0, rstd = 1/sqrt(eps) ≈ 316.
        { label: 'rstd', actual: gr, expected: want.rstd, tol: TOL_STAT },
      ];
    },
    c.heavy,
  ),
);

const bwdChecks = cases.map((c, i) =>
  makeCheck(
    'layernorm.backward',
    `N=${c.N} C=${c.C}${c.shift ? ` x+${c.shift}` : ''} (+=)`,
    async (gpu) => {
      const { rng, x, gamma, beta } = inputs(c, 400 + i);
      const dy = randArray(rng, c.N * c.C);
      const dx0 = randArray(rng, c.N * c.C);
      const dg0 = randArray(rng, c.C);
      const db0 = randArray(rng, c.C);
      const s = gpuScope(gpu);
      const X = s.up(x, 'x');
      const G = s.up(gamma, 'gamma');
      const mean = s.zeros(c.N, 'mean');
      const rstd = s.zeros(c.N, 'rstd');
      const dx = s.up(dx0, 'dx');
      const dg = s.up(dg0, 'dgamma');
      const db = s.up(db0, 'dbeta');
      layernormForward(gpu, X, G, s.up(beta, 'beta'), s.zeros(c.N * c.C, 'y'), mean, rstd, c.N, c.C);
      layernormBackward(gpu, X, G, mean, rstd, s.up(dy, 'dy'), dx, dg, db, c.N, c.C);
      const [gdx, gdg, gdb] = [await gpu.read(dx), await gpu.read(dg), await gpu.read(db)];
      s.free();
      const f = layernormForwardRef(x, gamma, beta, c.N, c.C);
      const want = layernormBackwardRef(x, gamma, f.mean, f.rstd, dy, c.N, c.C);
      return [
        {
          label: 'dx / max(1, rstd²)',
          actual: scaleRows(gdx, f.rstd, c.C),
          expected: scaleRows(plus(dx0, want.dx), f.rstd, c.C),
          tol: tolDx(c.C),
        },
        { label: 'dgamma', actual: gdg, expected: plus(dg0, want.dgamma), tol: tolDp(c.N) },
        { label: 'dbeta', actual: gdb, expected: plus(db0, want.dbeta), tol: tolDp(c.N) },
      ];
    },
    c.heavy,
  ),
);

const fdCheck = makeCheck('layernorm.backward', 'finite differences N=3 C=5 (dx, dgamma, dbeta)', async (gpu) => {
  const [N, C] = [3, 5];
  const rng = new Rng(450);
  const x = randArray(rng, N * C);
  const gamma = randArray(rng, C);
  const beta = randArray(rng, C);
  const w = randArray(rng, N * C);
  const s = gpuScope(gpu);
  const X = s.up(x, 'x');
  const G = s.up(gamma, 'gamma');
  const mean = s.zeros(N, 'mean');
  const rstd = s.zeros(N, 'rstd');
  const [dx, dg, db] = [s.zeros(N * C, 'dx'), s.zeros(C, 'dgamma'), s.zeros(C, 'dbeta')];
  layernormForward(gpu, X, G, s.up(beta, 'beta'), s.zeros(N * C, 'y'), mean, rstd, N, C);
  layernormBackward(gpu, X, G, mean, rstd, s.up(w, 'dy'), dx, dg, db, N, C);
  const [gdx, gdg, gdb] = [await gpu.read(dx), await gpu.read(dg), await gpu.read(db)];
  s.free();
  const L = (xv: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => dot(layernormForwardRef(xv, g, b, N, C).y, w);
  return [
    { label: 'dx', actual: gdx, expected: numericalGradient((v) => L(v, gamma, beta), x), tol: FD_TOL },
    { label: 'dgamma', actual: gdg, expected: numericalGradient((v) => L(x, v, beta), gamma), tol: FD_TOL },
    { label: 'dbeta', actual: gdb, expected: numericalGradient((v) => L(x, gamma, v), beta), tol: FD_TOL },
  ];
});

const base: KernelCheck[] = [...fwdChecks, ...bwdChecks, fdCheck];

// Every case on both implementations (see LayernormVariant in layernorm.ts).
export const checks: KernelCheck[] = (['reduce', 'direct'] as const).flatMap((variant) =>
  base.map((c) => ({
    ...c,
    kernel: `${c.kernel}.${variant}`,
    async run(gpu) {
      setLayernormVariant(variant);
      try {
        const r = await c.run(gpu);
        return { ...r, kernel: `${r.kernel}.${variant}` };
      } finally {
        setLayernormVariant('auto');
      }
    },
  })),
);
