import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { geluBackward, geluBackwardRef, geluForward, geluForwardRef } from './gelu';

// A handful of f32 ops plus tanh per element (tanh good to a few ulp): ~1e-6 relative.
const TOL = { atol: 2e-6, rtol: 2e-5 };

interface Case {
  n: number;
  /** Input scale: 8 reaches |x| ≈ 30, where the tanh argument is clamped. */
  scale: number;
  heavy?: boolean;
}
const cases: Case[] = [
  { n: 1, scale: 1 },
  { n: 3, scale: 1 },
  { n: 17, scale: 3 },
  { n: 257, scale: 8 },
  { n: 65 * 127, scale: 2 },
  { n: 1_000_003, scale: 2, heavy: true },
];

const name = (c: Case) => `n=${c.n} x~N(0,${c.scale}²)`;

const fwdChecks = cases.map((c, i) =>
  makeCheck(
    'gelu.forward',
    name(c),
    async (gpu) => {
      const x = randArray(new Rng(500 + i), c.n, c.scale);
      const s = gpuScope(gpu);
      const y = s.zeros(c.n, 'y');
      geluForward(gpu, s.up(x, 'x'), y, c.n);
      const got = await gpu.read(y);
      s.free();
      return [{ label: 'y', actual: got, expected: geluForwardRef(x), tol: TOL }];
    },
    c.heavy,
  ),
);

const bwdChecks = cases.map((c, i) =>
  makeCheck(
    'gelu.backward',
    `${name(c)} (+=)`,
    async (gpu) => {
      const rng = new Rng(550 + i);
      const x = randArray(rng, c.n, c.scale);
      const dy = randArray(rng, c.n);
      const dx0 = randArray(rng, c.n);
      const s = gpuScope(gpu);
      const dx = s.up(dx0, 'dx');
      geluBackward(gpu, s.up(x, 'x'), s.up(dy, 'dy'), dx, c.n);
      const got = await gpu.read(dx);
      s.free();
      return [{ label: 'dx', actual: got, expected: plus(dx0, geluBackwardRef(x, dy)), tol: TOL }];
    },
    c.heavy,
  ),
);

const fdCheck = makeCheck('gelu.backward', 'finite differences n=33 x~N(0,3²)', async (gpu) => {
  const n = 33;
  const rng = new Rng(590);
  const x = randArray(rng, n, 3);
  const w = randArray(rng, n);
  const s = gpuScope(gpu);
  const dx = s.zeros(n, 'dx');
  geluBackward(gpu, s.up(x, 'x'), s.up(w, 'dy'), dx, n);
  const got = await gpu.read(dx);
  s.free();
  return [{ label: 'dx', actual: got, expected: numericalGradient((v) => dot(geluForwardRef(v), w), x), tol: FD_TOL }];
});

export const checks: KernelCheck[] = [...fwdChecks, ...bwdChecks, fdCheck];
