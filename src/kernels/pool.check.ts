import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { type PoolMode, poolBackward, poolBackwardRef, poolForward, poolForwardRef } from './pool';

// cls/eot copy one value (exact); mean sums ≤ T values in f32.
const tolFor = (mode: PoolMode, T: number) => (mode === 'mean' ? { atol: 1e-6 * Math.sqrt(T) * 4, rtol: 1e-5 } : { atol: 1e-6, rtol: 1e-6 });

interface Case {
  B: number;
  T: number;
  C: number;
  mode: PoolMode;
  /** Give an index tensor: EOT positions, or valid lengths for 'mean' (some 0 or past T to test clamping). */
  index?: boolean;
  heavy?: boolean;
}

const cases: Case[] = [
  { B: 1, T: 1, C: 1, mode: 'cls' },
  { B: 3, T: 17, C: 33, mode: 'cls' },
  { B: 1, T: 1, C: 1, mode: 'mean' },
  { B: 3, T: 17, C: 33, mode: 'mean' },
  { B: 17, T: 33, C: 65, mode: 'mean', index: true },
  { B: 1, T: 3, C: 257, mode: 'eot', index: true },
  { B: 65, T: 17, C: 127, mode: 'eot', index: true },
  { B: 5, T: 257, C: 3, mode: 'mean', index: true },
  { B: 128, T: 77, C: 512, mode: 'eot', index: true, heavy: true },
  { B: 128, T: 77, C: 512, mode: 'mean', index: true, heavy: true },
];

function randomIndex(rng: Rng, c: Case): Int32Array {
  const idx = new Int32Array(c.B);
  for (let b = 0; b < c.B; b++) idx[b] = c.mode === 'eot' ? rng.int(c.T) : 1 + rng.int(c.T);
  // Out-of-range values are clamped (to [0, T−1] for eot, [0, T] for mean).
  if (c.B >= 3) {
    idx[0] = c.mode === 'eot' ? c.T + 5 : 0;
    idx[1] = c.mode === 'eot' ? -2 : c.T + 5;
  }
  return idx;
}

const caseName = (c: Case) => `${c.mode} B=${c.B} T=${c.T} C=${c.C}${c.index ? ' with index' : ''}`;

const fwdChecks = cases.map((c, i) =>
  makeCheck(
    'pool.forward',
    caseName(c),
    async (gpu) => {
      const rng = new Rng(900 + i);
      const x = randArray(rng, c.B * c.T * c.C);
      const idx = c.index ? randomIndex(rng, c) : undefined;
      const s = gpuScope(gpu);
      const out = s.zeros(c.B * c.C, 'out');
      poolForward(gpu, s.up(x, 'x'), out, c.B, c.T, c.C, c.mode, idx && s.up(idx, 'index', 'i32'));
      const got = await gpu.read(out);
      s.free();
      return [{ label: 'out', actual: got, expected: poolForwardRef(x, c.B, c.T, c.C, c.mode, idx), tol: tolFor(c.mode, c.T) }];
    },
    c.heavy,
  ),
);

const bwdChecks = cases.map((c, i) =>
  makeCheck(
    'pool.backward',
    `${caseName(c)} (+=)`,
    async (gpu) => {
      const rng = new Rng(950 + i);
      const dout = randArray(rng, c.B * c.C);
      const dx0 = randArray(rng, c.B * c.T * c.C);
      const idx = c.index ? randomIndex(rng, c) : undefined;
      const s = gpuScope(gpu);
      const dx = s.up(dx0, 'dx');
      poolBackward(gpu, s.up(dout, 'dout'), dx, c.B, c.T, c.C, c.mode, idx && s.up(idx, 'index', 'i32'));
      const got = await gpu.read(dx);
      s.free();
      const tol = { atol: 1e-6, rtol: 1e-6 };
      return [{ label: 'dx', actual: got, expected: plus(dx0, poolBackwardRef(dout, c.B, c.T, c.C, c.mode, idx)), tol }];
    },
    c.heavy,
  ),
);

const fdCases: { mode: PoolMode; index?: number[] }[] = [
  { mode: 'cls' },
  { mode: 'mean' },
  { mode: 'mean', index: [2, 4, 0] },
  { mode: 'eot', index: [1, 3, 0] },
];

const fdChecks = fdCases.map((f, i) =>
  makeCheck('pool.backward', `finite differences ${f.mode} B=3 T=4 C=3${f.index ? ` index [${f.index}]` : ''}`, async (gpu) => {
    const [B, T, C] = [3, 4, 3];
    const rng = new Rng(990 + i);
    const x = randArray(rng, B * T * C);
    const w = randArray(rng, B * C);
    const s = gpuScope(gpu);
    const dx = s.zeros(B * T * C, 'dx');
    poolBackward(gpu, s.up(w, 'dout'), dx, B, T, C, f.mode, f.index && s.up(f.index, 'index', 'i32'));
    const got = await gpu.read(dx);
    s.free();
    const fd = numericalGradient((v) => dot(poolForwardRef(v, B, T, C, f.mode, f.index), w), x);
    return [{ label: 'dx', actual: got, expected: fd, tol: FD_TOL }];
  }),
);

export const checks: KernelCheck[] = [...fwdChecks, ...bwdChecks, ...fdChecks];
