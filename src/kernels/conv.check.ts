// GPU checks for conv2d (dense, strided, 1×1, depthwise, grouped) and BatchNorm2d, forward and backward,
// against the float64 references and (backward) against finite differences.
import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { type BatchnormDims, batchnormBackward, batchnormBackwardRef, batchnormForward, batchnormForwardRef } from './batchnorm';
import { type ConvDims, conv2dBackward, conv2dBackwardRef, conv2dForward, conv2dForwardRef, convOutSize } from './conv2d';
import { FD_TOL, type Parts, gpuScope, makeCheck, plus } from './elementwise.check';

// ---------------------------------------------------------------- conv2d

// A sum of K products of N(0,1) values in f32: rounding errors random-walk, ~2.5e-8·K rms; allow ~8σ.
const tolSum = (K: number) => ({ atol: 1e-6 + 2e-7 * K, rtol: 1e-5 });
const EXACT = { atol: 0, rtol: 0 };

interface ConvCase extends ConvDims {
  bias?: boolean;
  /** Which gradients the backward computes (default all three; dbias only with bias). */
  only?: 'dx' | 'dw';
  heavy?: boolean;
}

const dense = (B: number, Cin: number, Cout: number, H: number, W: number, k: number, stride: number, pad: number) => ({ B, Cin, H, W, Cout, k, stride, pad, groups: 1 });
const depthwise = (B: number, C: number, mult: number, H: number, W: number, k: number, stride: number, pad: number) => ({ B, Cin: C, H, W, Cout: C * mult, k, stride, pad, groups: C });

const convCases: ConvCase[] = [
  // 3×3, pad 1, stride 1 and 2 (the stem / residual blocks / bottleneck middle).
  { ...dense(1, 3, 5, 7, 7, 3, 1, 1), bias: true },
  dense(3, 5, 16, 17, 17, 3, 2, 1),
  { ...dense(1, 1, 3, 1, 3, 3, 2, 1), bias: true },
  dense(3, 5, 3, 1, 1, 3, 1, 1),
  { ...dense(1, 16, 1, 17, 7, 3, 2, 1), only: 'dw' },
  // 1×1, pad 0, stride 1 and 2 (shortcuts, projections).
  { ...dense(3, 16, 5, 3, 17, 1, 1, 0), bias: true },
  dense(1, 5, 16, 17, 7, 1, 2, 0),
  { ...dense(3, 3, 1, 7, 1, 1, 2, 0), only: 'dx' },
  // Depthwise, kernel = stride ∈ {2, 4}, pad 0 (parallel-branch downsampling; odd sizes drop the remainder).
  depthwise(3, 5, 1, 17, 17, 2, 2, 0),
  { ...depthwise(1, 16, 1, 17, 7, 4, 4, 0), bias: true },
  depthwise(3, 3, 1, 7, 5, 4, 4, 0),
  // Depthwise 3×3, pad 1 (token-grid branch), with multiplier 2, and 1×1 image sizes.
  { ...depthwise(1, 16, 1, 7, 7, 3, 1, 1), bias: true },
  depthwise(3, 3, 2, 7, 17, 3, 1, 1),
  depthwise(3, 5, 1, 1, 1, 3, 1, 1),
  // Grouped (neither dense nor depthwise), stride 2.
  { B: 3, Cin: 16, H: 7, W: 7, Cout: 16, k: 3, stride: 2, pad: 1, groups: 4 },
  // Heavy: a residual-block conv; and a depthwise one past 65,535 workgroups (grid folds into (x, y)).
  { ...dense(8, 32, 64, 32, 32, 3, 2, 1), bias: true, heavy: true },
  { ...depthwise(4, 16, 1, 256, 256, 3, 1, 1), heavy: true },
];

const convName = (c: ConvCase) =>
  `${c.groups === 1 ? 'dense' : c.groups === c.Cin ? `depthwise×${c.Cout / c.Cin}` : `groups=${c.groups}`} ${c.k}×${c.k} s${c.stride} p${c.pad} ` +
  `B=${c.B} ${c.Cin}→${c.Cout} ${c.H}×${c.W}${c.bias ? ' +bias' : ''}`;

function convInputs(c: ConvCase, seed: number) {
  const rng = new Rng(seed);
  const { Ho, Wo } = convOutSize(c);
  const x = randArray(rng, c.B * c.Cin * c.H * c.W);
  const w = randArray(rng, c.Cout * (c.Cin / c.groups) * c.k * c.k);
  const bias = c.bias ? randArray(rng, c.Cout) : null;
  return { rng, Ho, Wo, x, w, bias };
}

const convFwd = convCases.map((c, i) =>
  makeCheck(
    'conv2d.forward',
    convName(c),
    async (gpu) => {
      const { rng, Ho, Wo, x, w, bias } = convInputs(c, 1200 + i);
      const s = gpuScope(gpu);
      const y = s.up(randArray(rng, c.B * c.Cout * Ho * Wo), 'y'); // garbage: the forward overwrites
      conv2dForward(gpu, s.up(x, 'x'), s.up(w, 'w'), bias && s.up(bias, 'bias'), y, c);
      const got = await gpu.read(y);
      s.free();
      return [{ label: 'y', actual: got, expected: conv2dForwardRef(x, w, bias, c), tol: tolSum((c.Cin / c.groups) * c.k * c.k) }];
    },
    c.heavy,
  ),
);

const convBwd = convCases.map((c, i) =>
  makeCheck(
    'conv2d.backward',
    `${convName(c)}${c.only ? ` (${c.only} only)` : ''} (+=)`,
    async (gpu) => {
      const { rng, Ho, Wo, x, w } = convInputs(c, 1300 + i);
      const dy = randArray(rng, c.B * c.Cout * Ho * Wo);
      const dx0 = randArray(rng, x.length);
      const dw0 = randArray(rng, w.length);
      const db0 = randArray(rng, c.Cout);
      const s = gpuScope(gpu);
      const dx = c.only === 'dw' ? null : s.up(dx0, 'dx');
      const dw = c.only === 'dx' ? null : s.up(dw0, 'dw');
      const db = c.bias && !c.only ? s.up(db0, 'dbias') : null;
      conv2dBackward(gpu, s.up(x, 'x'), s.up(w, 'w'), s.up(dy, 'dy'), dx, dw, db, c);
      const got = { dx: dx && (await gpu.read(dx)), dw: dw && (await gpu.read(dw)), db: db && (await gpu.read(db)) };
      s.free();
      const want = conv2dBackwardRef(x, w, dy, c);
      const parts: Parts = [];
      // dx sums ≤ (Cout/G)·⌈k/s⌉² products; dw sums B·Ho·Wo; dbias B·Ho·Wo values.
      const kx = (c.Cout / c.groups) * Math.ceil(c.k / c.stride) ** 2;
      if (got.dx) parts.push({ label: 'dx', actual: got.dx, expected: plus(dx0, want.dx), tol: tolSum(kx) });
      if (got.dw) parts.push({ label: 'dw', actual: got.dw, expected: plus(dw0, want.dw), tol: tolSum(c.B * Ho * Wo) });
      if (got.db) parts.push({ label: 'dbias', actual: got.db, expected: plus(db0, want.dbias), tol: tolSum(c.B * Ho * Wo) });
      return parts;
    },
    c.heavy,
  ),
);

const convFdCases: ConvCase[] = [
  { ...dense(2, 3, 2, 5, 4, 3, 2, 1), bias: true },
  dense(2, 3, 4, 5, 3, 1, 2, 0),
  { ...depthwise(2, 3, 1, 5, 5, 2, 2, 0), bias: true },
  depthwise(1, 2, 2, 4, 3, 3, 1, 1),
];

const convFd = convFdCases.map((c, i) =>
  makeCheck('conv2d.backward', `finite differences ${convName(c)}`, async (gpu) => {
    const { rng, Ho, Wo, x, w, bias } = convInputs(c, 1400 + i);
    const up = randArray(rng, c.B * c.Cout * Ho * Wo);
    const s = gpuScope(gpu);
    const [dx, dw] = [s.zeros(x.length, 'dx'), s.zeros(w.length, 'dw')];
    const db = bias ? s.zeros(c.Cout, 'dbias') : null;
    conv2dBackward(gpu, s.up(x, 'x'), s.up(w, 'w'), s.up(up, 'dy'), dx, dw, db, c);
    const got = { dx: await gpu.read(dx), dw: await gpu.read(dw), db: db && (await gpu.read(db)) };
    s.free();
    const L = (xv: ArrayLike<number>, wv: ArrayLike<number>, bv: ArrayLike<number> | null) => dot(conv2dForwardRef(xv, wv, bv, c), up);
    const parts: Parts = [
      { label: 'dx', actual: got.dx, expected: numericalGradient((v) => L(v, w, bias), x), tol: FD_TOL },
      { label: 'dw', actual: got.dw, expected: numericalGradient((v) => L(x, v, bias), w), tol: FD_TOL },
    ];
    if (got.db && bias) parts.push({ label: 'dbias', actual: got.db, expected: numericalGradient((v) => L(x, w, v), bias), tol: FD_TOL });
    return parts;
  }),
);

// Same inputs twice → bit-identical gradients (fixed summation order, no atomics).
const convDeterminism = makeCheck('conv2d.backward', 'deterministic: two runs bit-identical (3×3 s2, B=3 5→16 17×17)', async (gpu) => {
  const c: ConvCase = { ...dense(3, 5, 16, 17, 17, 3, 2, 1), bias: true };
  const { rng, Ho, Wo, x, w } = convInputs(c, 1500);
  const dy = randArray(rng, c.B * c.Cout * Ho * Wo);
  const s = gpuScope(gpu);
  const [X, Wt, DY] = [s.up(x, 'x'), s.up(w, 'w'), s.up(dy, 'dy')];
  const runs: Float32Array[][] = [];
  for (let r = 0; r < 2; r++) {
    const [dx, dw, db] = [s.zeros(x.length, 'dx'), s.zeros(w.length, 'dw'), s.zeros(c.Cout, 'dbias')];
    conv2dBackward(gpu, X, Wt, DY, dx, dw, db, c);
    runs.push([await gpu.read(dx), await gpu.read(dw), await gpu.read(db)]);
  }
  s.free();
  return ['dx', 'dw', 'dbias'].map((label, j) => ({ label, actual: runs[1][j], expected: runs[0][j], tol: EXACT }));
});

// ---------------------------------------------------------------- BatchNorm2d

// y and the statistics: two-pass mean/variance over n = B·HW values in f32.
const TOL_Y = { atol: 2e-5, rtol: 1e-4 };
const tolStat = (n: number) => ({ atol: 1e-6 + 1e-7 * Math.sqrt(n) * 4, rtol: 1e-4 });
// dgamma/dbeta sum n products. dx, as for LayerNorm, has errors that grow as rstd² (channels whose values
// are nearly constant, likely at n = 4), so it is compared after dividing channel c by max(1, rstd[c]²).
const tolDp = (n: number) => ({ atol: 1e-6 + 4e-6 * Math.sqrt(n), rtol: 1e-4 });
const TOL_DX = { atol: 4e-5, rtol: 1e-4 };

function scaleChannels(a: ArrayLike<number>, rstd: ArrayLike<number>, C: number, HW: number): Float64Array {
  return Float64Array.from(a, (v, i) => v / Math.max(1, rstd[Math.floor(i / HW) % C] ** 2));
}

interface BnCase {
  B: number;
  C: number;
  HW: number;
  shift?: number;
  momentum?: number;
  heavy?: boolean;
}

const bnCases: BnCase[] = [];
for (const B of [1, 4]) for (const C of [1, 5, 33]) for (const HW of [1, 9, 289]) bnCases.push({ B, C, HW });
bnCases.push({ B: 4, C: 5, HW: 9, shift: 20, momentum: 0.3 }, { B: 3, C: 17, HW: 257, shift: -5 });
bnCases.push({ B: 32, C: 64, HW: 1024, heavy: true }, { B: 2, C: 3, HW: 65536, shift: 3, heavy: true });

const bnName = (c: BnCase) => `B=${c.B} C=${c.C} HW=${c.HW}${c.shift ? ` x+${c.shift}` : ''}${c.momentum ? ` momentum ${c.momentum}` : ''}`;

function bnInputs(c: BnCase, seed: number) {
  const rng = new Rng(seed);
  const x = randArray(rng, c.B * c.C * c.HW).map((v) => v + (c.shift ?? 0));
  const gamma = randArray(rng, c.C);
  const beta = randArray(rng, c.C);
  const rm = randArray(rng, c.C);
  const rv = randArray(rng, c.C).map((v) => Math.abs(v) + 0.25);
  return { rng, x, gamma, beta, rm, rv };
}

function bnForwardCheck(c: BnCase, i: number, training: boolean): KernelCheck {
  return makeCheck(
    'batchnorm.forward',
    `${training ? 'training' : 'eval'} ${bnName(c)}`,
    async (gpu) => {
      const { rng, x, gamma, beta, rm, rv } = bnInputs(c, (training ? 1600 : 1700) + i);
      const dims: BatchnormDims = { B: c.B, C: c.C, HW: c.HW, momentum: c.momentum, training };
      const s = gpuScope(gpu);
      const y = s.up(randArray(rng, x.length), 'y'); // garbage: overwritten
      const [mean, rstd] = [s.zeros(c.C, 'mean'), s.zeros(c.C, 'rstd')];
      const [RM, RV] = [s.up(rm, 'runningMean'), s.up(rv, 'runningVar')];
      batchnormForward(gpu, s.up(x, 'x'), s.up(gamma, 'gamma'), s.up(beta, 'beta'), y, mean, rstd, RM, RV, dims);
      const got = [await gpu.read(y), await gpu.read(mean), await gpu.read(rstd), await gpu.read(RM), await gpu.read(RV)];
      s.free();
      const want = batchnormForwardRef(x, gamma, beta, rm, rv, dims);
      const n = c.B * c.HW;
      return [
        { label: 'y', actual: got[0], expected: want.y, tol: TOL_Y },
        { label: 'mean', actual: got[1], expected: want.mean, tol: tolStat(n) },
        // n = 1: variance 0, rstd = 1/sqrt(eps) ≈ 316.
        { label: 'rstd', actual: got[2], expected: want.rstd, tol: tolStat(n) },
        { label: 'runningMean', actual: got[3], expected: want.runningMean, tol: tolStat(n) },
        { label: 'runningVar', actual: got[4], expected: want.runningVar, tol: tolStat(n) },
      ];
    },
    c.heavy,
  );
}

const bnFwd = bnCases.flatMap((c, i) => [bnForwardCheck(c, i, true), ...(c.B === 4 || c.heavy || c.shift ? [bnForwardCheck(c, i, false)] : [])]);

const bnBwd = bnCases.map((c, i) =>
  makeCheck(
    'batchnorm.backward',
    `${bnName(c)} (+=)`,
    async (gpu) => {
      const { rng, x, gamma, beta, rm, rv } = bnInputs(c, 1800 + i);
      const dims = { B: c.B, C: c.C, HW: c.HW };
      const dy = randArray(rng, x.length);
      const dx0 = randArray(rng, x.length);
      const dg0 = randArray(rng, c.C);
      const db0 = randArray(rng, c.C);
      const s = gpuScope(gpu);
      const [X, G] = [s.up(x, 'x'), s.up(gamma, 'gamma')];
      const [mean, rstd] = [s.zeros(c.C, 'mean'), s.zeros(c.C, 'rstd')];
      const [dx, dg, db] = [s.up(dx0, 'dx'), s.up(dg0, 'dgamma'), s.up(db0, 'dbeta')];
      batchnormForward(gpu, X, G, s.up(beta, 'beta'), s.zeros(x.length, 'y'), mean, rstd, s.up(rm, 'rm'), s.up(rv, 'rv'), { ...dims, training: true });
      batchnormBackward(gpu, X, G, mean, rstd, s.up(dy, 'dy'), dx, dg, db, dims);
      const got = [await gpu.read(dx), await gpu.read(dg), await gpu.read(db)];
      s.free();
      const f = batchnormForwardRef(x, gamma, beta, rm, rv, { ...dims, training: true });
      const want = batchnormBackwardRef(x, gamma, f.mean, f.rstd, dy, dims);
      const n = c.B * c.HW;
      return [
        {
          label: 'dx / max(1, rstd²)',
          actual: scaleChannels(got[0], f.rstd, c.C, c.HW),
          expected: scaleChannels(plus(dx0, want.dx), f.rstd, c.C, c.HW),
          tol: TOL_DX,
        },
        { label: 'dgamma', actual: got[1], expected: plus(dg0, want.dgamma), tol: tolDp(n) },
        { label: 'dbeta', actual: got[2], expected: plus(db0, want.dbeta), tol: tolDp(n) },
      ];
    },
    c.heavy,
  ),
);

const bnFd = [
  { B: 2, C: 3, HW: 3 },
  { B: 1, C: 2, HW: 5 },
].map((dims, i) =>
  makeCheck('batchnorm.backward', `finite differences B=${dims.B} C=${dims.C} HW=${dims.HW} (dx, dgamma, dbeta)`, async (gpu) => {
    const { rng, x, gamma, beta, rm, rv } = bnInputs(dims, 1900 + i);
    const up = randArray(rng, x.length);
    const s = gpuScope(gpu);
    const [X, G] = [s.up(x, 'x'), s.up(gamma, 'gamma')];
    const [mean, rstd] = [s.zeros(dims.C, 'mean'), s.zeros(dims.C, 'rstd')];
    const [dx, dg, db] = [s.zeros(x.length, 'dx'), s.zeros(dims.C, 'dgamma'), s.zeros(dims.C, 'dbeta')];
    batchnormForward(gpu, X, G, s.up(beta, 'beta'), s.zeros(x.length, 'y'), mean, rstd, s.up(rm, 'rm'), s.up(rv, 'rv'), { ...dims, training: true });
    batchnormBackward(gpu, X, G, mean, rstd, s.up(up, 'dy'), dx, dg, db, dims);
    const got = [await gpu.read(dx), await gpu.read(dg), await gpu.read(db)];
    s.free();
    const L = (xv: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => dot(batchnormForwardRef(xv, g, b, rm, rv, { ...dims, training: true }).y, up);
    return [
      { label: 'dx', actual: got[0], expected: numericalGradient((v) => L(v, gamma, beta), x), tol: FD_TOL },
      { label: 'dgamma', actual: got[1], expected: numericalGradient((v) => L(x, v, beta), gamma), tol: FD_TOL },
      { label: 'dbeta', actual: got[2], expected: numericalGradient((v) => L(x, gamma, v), beta), tol: FD_TOL },
    ];
  }),
);

export const checks: KernelCheck[] = [...convFwd, ...convBwd, ...convFd, convDeterminism, ...bnFwd, ...bnBwd, ...bnFd];
