import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { clsPosBackward, clsPosBackwardRef, clsPosForward, clsPosForwardRef, im2patch, im2patchRef } from './patch';

const EXACT = { atol: 0, rtol: 0 };
const TOL_ADD = { atol: 1e-6, rtol: 1e-6 };
const tolSum = (n: number) => ({ atol: 1e-5 * Math.sqrt(n) * 4, rtol: 1e-4 });

interface PatchCase {
  B: number;
  Cin: number;
  H: number;
  W: number;
  p: number;
  heavy?: boolean;
}
const patchCases: PatchCase[] = [
  { B: 1, Cin: 1, H: 1, W: 1, p: 1 },
  { B: 2, Cin: 3, H: 6, W: 9, p: 3 },
  { B: 3, Cin: 3, H: 32, W: 32, p: 8 },
  { B: 1, Cin: 3, H: 34, W: 51, p: 17 },
  { B: 5, Cin: 2, H: 65, W: 13, p: 13 },
  { B: 16, Cin: 3, H: 224, W: 224, p: 16, heavy: true },
];

const patchChecks = patchCases.map((c, i) =>
  makeCheck(
    'im2patch',
    `B=${c.B} Cin=${c.Cin} ${c.H}×${c.W} p=${c.p}`,
    async (gpu) => {
      const img = randArray(new Rng(200 + i), c.B * c.Cin * c.H * c.W);
      const n = c.B * (c.H / c.p) * (c.W / c.p) * c.Cin * c.p * c.p;
      const s = gpuScope(gpu);
      const out = s.zeros(n, 'patches');
      im2patch(gpu, s.up(img, 'img'), out, c.B, c.Cin, c.H, c.W, c.p);
      const got = await gpu.read(out);
      s.free();
      return [{ label: 'patches', actual: got, expected: im2patchRef(img, c.B, c.Cin, c.H, c.W, c.p), tol: EXACT }];
    },
    c.heavy,
  ),
);

interface ClsCase {
  B: number;
  P: number;
  C: number;
  heavy?: boolean;
}
const clsCases: ClsCase[] = [
  { B: 1, P: 1, C: 1 },
  { B: 2, P: 3, C: 17 },
  { B: 3, P: 16, C: 33 },
  { B: 4, P: 49, C: 65 },
  { B: 17, P: 4, C: 127 },
  { B: 1, P: 257, C: 3 },
  { B: 64, P: 196, C: 256, heavy: true },
];
const clsName = (c: ClsCase) => `B=${c.B} P=${c.P} C=${c.C}`;

const clsFwdChecks = clsCases.map((c, i) =>
  makeCheck(
    'clsPos.forward',
    clsName(c),
    async (gpu) => {
      const rng = new Rng(230 + i);
      const tokens = randArray(rng, c.B * c.P * c.C);
      const cls = randArray(rng, c.C);
      const pos = randArray(rng, (c.P + 1) * c.C);
      const s = gpuScope(gpu);
      const out = s.zeros(c.B * (c.P + 1) * c.C, 'out');
      clsPosForward(gpu, s.up(tokens, 'tokens'), s.up(cls, 'cls'), s.up(pos, 'pos'), out, c.B, c.P, c.C);
      const got = await gpu.read(out);
      s.free();
      return [{ label: 'out', actual: got, expected: clsPosForwardRef(tokens, cls, pos, c.B, c.P, c.C), tol: TOL_ADD }];
    },
    c.heavy,
  ),
);

const clsBwdChecks = clsCases.map((c, i) =>
  makeCheck(
    'clsPos.backward',
    `${clsName(c)} (+=)`,
    async (gpu) => {
      const rng = new Rng(260 + i);
      const dout = randArray(rng, c.B * (c.P + 1) * c.C);
      const dt0 = randArray(rng, c.B * c.P * c.C);
      const dc0 = randArray(rng, c.C);
      const dp0 = randArray(rng, (c.P + 1) * c.C);
      const s = gpuScope(gpu);
      const [dt, dc, dp] = [s.up(dt0, 'dtokens'), s.up(dc0, 'dcls'), s.up(dp0, 'dpos')];
      clsPosBackward(gpu, s.up(dout, 'dout'), dt, dc, dp, c.B, c.P, c.C);
      const [gt, gc, gp] = [await gpu.read(dt), await gpu.read(dc), await gpu.read(dp)];
      s.free();
      const want = clsPosBackwardRef(dout, c.B, c.P, c.C);
      return [
        { label: 'dtokens', actual: gt, expected: plus(dt0, want.dtokens), tol: TOL_ADD },
        { label: 'dcls', actual: gc, expected: plus(dc0, want.dcls), tol: tolSum(c.B) },
        { label: 'dpos', actual: gp, expected: plus(dp0, want.dpos), tol: tolSum(c.B) },
      ];
    },
    c.heavy,
  ),
);

const fdCheck = makeCheck('clsPos.backward', 'finite differences B=2 P=3 C=4 (dtokens, dcls, dpos)', async (gpu) => {
  const [B, P, C] = [2, 3, 4];
  const rng = new Rng(290);
  const tokens = randArray(rng, B * P * C);
  const cls = randArray(rng, C);
  const pos = randArray(rng, (P + 1) * C);
  const w = randArray(rng, B * (P + 1) * C);
  const s = gpuScope(gpu);
  const [dt, dc, dp] = [s.zeros(B * P * C, 'dtokens'), s.zeros(C, 'dcls'), s.zeros((P + 1) * C, 'dpos')];
  clsPosBackward(gpu, s.up(w, 'dout'), dt, dc, dp, B, P, C);
  const [gt, gc, gp] = [await gpu.read(dt), await gpu.read(dc), await gpu.read(dp)];
  s.free();
  const L = (t: ArrayLike<number>, c: ArrayLike<number>, p: ArrayLike<number>) => dot(clsPosForwardRef(t, c, p, B, P, C), w);
  return [
    { label: 'dtokens', actual: gt, expected: numericalGradient((v) => L(v, cls, pos), tokens), tol: FD_TOL },
    { label: 'dcls', actual: gc, expected: numericalGradient((v) => L(tokens, v, pos), cls), tol: FD_TOL },
    { label: 'dpos', actual: gp, expected: numericalGradient((v) => L(tokens, cls, v), pos), tol: FD_TOL },
  ];
});

export const checks: KernelCheck[] = [...patchChecks, ...clsFwdChecks, ...clsBwdChecks, fdCheck];
