import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { transpose, transposeRef } from './transpose';

// A transpose moves values: exact. The accumulating form is one f32 add per element.
const EXACT = { atol: 0, rtol: 0 };
const ULP = { atol: 1e-6, rtol: 1e-6 };

interface Case {
  B: number;
  R: number;
  S: number;
  heavy?: boolean;
}
const cases: Case[] = [
  { B: 1, R: 1, S: 1 },
  { B: 3, R: 17, S: 1 },
  { B: 2, R: 33, S: 65 },
  { B: 5, R: 127, S: 3 },
  { B: 1, R: 257, S: 17 },
  { B: 32, R: 256, S: 196, heavy: true },
];
const name = (c: Case) => `B=${c.B} R=${c.R} S=${c.S}`;

const fwdChecks = cases.map((c, i) =>
  makeCheck(
    'transpose.forward',
    name(c),
    async (gpu) => {
      const x = randArray(new Rng(500 + i), c.B * c.R * c.S);
      const s = gpuScope(gpu);
      const out = s.up(randArray(new Rng(550 + i), x.length), 'out'); // garbage: must be overwritten
      transpose(gpu, s.up(x, 'x'), out, c.B, c.R, c.S);
      const got = await gpu.read(out);
      s.free();
      return [{ label: 'out', actual: got, expected: transposeRef(x, c.B, c.R, c.S), tol: EXACT }];
    },
    c.heavy,
  ),
);

// Backward: dx (B, R, S) += transpose(dy (B, S, R)).
const bwdChecks = cases.map((c, i) =>
  makeCheck(
    'transpose.backward',
    `${name(c)} (+=)`,
    async (gpu) => {
      const rng = new Rng(600 + i);
      const dy = randArray(rng, c.B * c.R * c.S);
      const dx0 = randArray(rng, dy.length);
      const s = gpuScope(gpu);
      const dx = s.up(dx0, 'dx');
      transpose(gpu, s.up(dy, 'dy'), dx, c.B, c.S, c.R, true);
      const got = await gpu.read(dx);
      s.free();
      return [{ label: 'dx', actual: got, expected: plus(dx0, transposeRef(dy, c.B, c.S, c.R)), tol: ULP }];
    },
    c.heavy,
  ),
);

const fdCheck = makeCheck('transpose.backward', 'finite differences B=2 R=3 S=5', async (gpu) => {
  const [B, R, S] = [2, 3, 5];
  const rng = new Rng(650);
  const x = randArray(rng, B * R * S);
  const w = randArray(rng, B * R * S);
  const s = gpuScope(gpu);
  const dx = s.zeros(x.length, 'dx');
  transpose(gpu, s.up(w, 'dy'), dx, B, S, R, true);
  const got = await gpu.read(dx);
  s.free();
  return [{ label: 'dx', actual: got, expected: numericalGradient((v) => dot(transposeRef(v, B, R, S), w), x), tol: FD_TOL }];
});

// Strided: the patch rows of (B, 1+P, C) tokens ↔ (B, C, P) maps, and the CLS row copy (R = 1).
const stridedCheck = makeCheck('transpose.strided', 'B=3 P=17 C=5: tokens[:, 1:] → NCHW, back (+=), CLS row copy', async (gpu) => {
  const [B, P, C] = [3, 17, 5];
  const T = P + 1;
  const rng = new Rng(660);
  const tokens = randArray(rng, B * T * C);
  const maps0 = randArray(rng, B * C * P);
  const back0 = randArray(rng, B * T * C);
  const s = gpuScope(gpu);
  const tok = s.up(tokens, 'tokens');
  const maps = s.up(maps0, 'maps');
  const back = s.up(back0, 'back');
  const cls = s.up(back0, 'cls');
  transpose(gpu, tok, maps, B, P, C, false, { xBatch: T * C, xOff: C });
  transpose(gpu, maps, back, B, C, P, true, { outBatch: T * C, outOff: C });
  transpose(gpu, tok, cls, B, 1, C, false, { xBatch: T * C, outBatch: T * C });
  const [gm, gb, gc] = [await gpu.read(maps), await gpu.read(back), await gpu.read(cls)];
  s.free();
  const wantMaps = transposeRef(tokens, B, P, C, { xBatch: T * C, xOff: C });
  const wantBack = Float64Array.from(back0);
  const tBack = transposeRef(wantMaps, B, C, P, { outBatch: T * C, outOff: C }, new Float64Array(B * T * C));
  for (let b = 0; b < B; b++) for (let i = C; i < T * C; i++) wantBack[b * T * C + i] += tBack[b * T * C + i];
  return [
    { label: 'maps', actual: gm, expected: wantMaps, tol: EXACT },
    { label: 'back (+=)', actual: gb, expected: wantBack, tol: ULP },
    { label: 'cls copy', actual: gc, expected: transposeRef(tokens, B, 1, C, { xBatch: T * C, outBatch: T * C }, back0), tol: EXACT },
  ];
});

export const checks: KernelCheck[] = [...fwdChecks, ...bwdChecks, fdCheck, stridedCheck];
