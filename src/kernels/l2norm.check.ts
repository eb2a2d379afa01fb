import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { l2normBackward, l2normBackwardRef, l2normForward, l2normForwardRef } from './l2norm';

// y is unit-length (entries ≤ 1); the f32 Σx² over D terms is good to ~1e-7·sqrt(D) relative.
const TOL_Y = { atol: 1e-6, rtol: 1e-5 };
const TOL_NORM = { atol: 1e-6, rtol: 1e-5 };
// dx = (dy − y·(y·dy))/norm: the bracket cancels to ~1e-7·|dy| in f32, then is divided by the norm,
// so absolute errors scale as 1/norm (short rows are common at D = 2). dx of row n is compared
// after multiplying by min(1, max(norm, 1e-12)); a zero row then compares dy itself.
const TOL_DX = { atol: 1e-6, rtol: 1e-4 };

function scaleRows(a: ArrayLike<number>, norms: ArrayLike<number>, D: number): Float64Array {
  return Float64Array.from(a, (v, i) => v * Math.min(1, Math.max(norms[Math.floor(i / D)], 1e-12)));
}

interface Case {
  N: number;
  D: number;
  scale?: number;
  /** Make row 0 all zeros (norm 0: the eps branch). */
  zeroRow?: boolean;
  heavy?: boolean;
}
const cases: Case[] = [
  { N: 1, D: 1 },
  { N: 3, D: 17 },
  { N: 17, D: 33, zeroRow: true },
  { N: 33, D: 65, scale: 1e-3 },
  { N: 65, D: 127 },
  { N: 2, D: 257, scale: 100 },
  { N: 4, D: 1024 },
  { N: 127, D: 3, zeroRow: true },
  { N: 70000, D: 2, heavy: true },
  { N: 4096, D: 512, heavy: true },
];

const caseName = (c: Case) => `N=${c.N} D=${c.D}${c.scale ? ` x×${c.scale}` : ''}${c.zeroRow ? ' zero row' : ''}`;

function inputs(rng: Rng, c: Case): Float32Array {
  const x = randArray(rng, c.N * c.D, c.scale ?? 1);
  if (c.zeroRow) x.fill(0, 0, c.D);
  return x;
}

const fwdChecks = cases.map((c, i) =>
  makeCheck(
    'l2norm.forward',
    caseName(c),
    async (gpu) => {
      const x = inputs(new Rng(1000 + i), c);
      const s = gpuScope(gpu);
      const y = s.zeros(c.N * c.D, 'y');
      const norms = s.zeros(c.N, 'norms');
      l2normForward(gpu, s.up(x, 'x'), y, norms, c.N, c.D);
      const [gy, gn] = [await gpu.read(y), await gpu.read(norms)];
      s.free();
      const want = l2normForwardRef(x, c.N, c.D);
      return [
        { label: 'y', actual: gy, expected: want.y, tol: TOL_Y },
        { label: 'norms', actual: gn, expected: want.norms, tol: TOL_NORM },
      ];
    },
    c.heavy,
  ),
);

// Zero rows (norm 0) take the eps branch: dx = dy / 1e-12.
const bwdChecks = cases.map((c, i) =>
  makeCheck(
    'l2norm.backward',
    `${caseName(c)} (+=)`,
    async (gpu) => {
      const rng = new Rng(1050 + i);
      const x = inputs(rng, c);
      const dy = randArray(rng, c.N * c.D);
      const dx0 = randArray(rng, c.N * c.D);
      const s = gpuScope(gpu);
      const X = s.up(x, 'x');
      const y = s.zeros(c.N * c.D, 'y');
      const norms = s.zeros(c.N, 'norms');
      const dx = s.up(dx0, 'dx');
      l2normForward(gpu, X, y, norms, c.N, c.D);
      l2normBackward(gpu, X, y, norms, s.up(dy, 'dy'), dx, c.N, c.D);
      const got = await gpu.read(dx);
      s.free();
      const f = l2normForwardRef(x, c.N, c.D);
      const want = plus(dx0, l2normBackwardRef(f.y, f.norms, dy, c.N, c.D));
      return [{ label: 'dx·min(1, norm)', actual: scaleRows(got, f.norms, c.D), expected: scaleRows(want, f.norms, c.D), tol: TOL_DX }];
    },
    c.heavy,
  ),
);

const fdCheck = makeCheck('l2norm.backward', 'finite differences N=3 D=5', async (gpu) => {
  const [N, D] = [3, 5];
  const rng = new Rng(1090);
  const x = randArray(rng, N * D);
  const w = randArray(rng, N * D);
  const s = gpuScope(gpu);
  const X = s.up(x, 'x');
  const y = s.zeros(N * D, 'y');
  const norms = s.zeros(N, 'norms');
  const dx = s.zeros(N * D, 'dx');
  l2normForward(gpu, X, y, norms, N, D);
  l2normBackward(gpu, X, y, norms, s.up(w, 'dy'), dx, N, D);
  const got = await gpu.read(dx);
  s.free();
  const fd = numericalGradient((v) => dot(l2normForwardRef(v, N, D).y, w), x);
  return [{ label: 'dx', actual: got, expected: fd, tol: FD_TOL }];
});

export const checks: KernelCheck[] = [...fwdChecks, ...bwdChecks, fdCheck];
