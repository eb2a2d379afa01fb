import { Rng, randArray } from '../util/rng';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { KernelCheck } from './check';
import { FD_TOL, gpuScope, makeCheck, plus } from './elementwise.check';
import { embeddingBackward, embeddingBackwardRef, embeddingForward, embeddingForwardRef } from './embedding';

const TOL_FWD = { atol: 1e-6, rtol: 1e-6 }; // one f32 add
const EXACT = { atol: 0, rtol: 0 };
// dtable sums up to N rows, dpos sums B rows.
const tolSum = (n: number) => ({ atol: 1e-5 * Math.sqrt(n) * 4, rtol: 1e-4 });

interface Case {
  B: number;
  T: number;
  C: number;
  V: number;
  /** Fraction of positions holding the padding id 0 (a heavily repeated id). */
  pad?: number;
  /** Put ids −1 and V into the sequence (they add nothing / get no gradient). */
  outOfRange?: boolean;
  heavy?: boolean;
}

const cases: Case[] = [
  { B: 1, T: 1, C: 1, V: 1 },
  { B: 2, T: 3, C: 17, V: 5 },
  { B: 3, T: 17, C: 33, V: 7, pad: 0.5 },
  { B: 4, T: 33, C: 65, V: 257, outOfRange: true },
  { B: 1, T: 127, C: 3, V: 65 },
  { B: 5, T: 65, C: 257, V: 33, pad: 0.3 },
  { B: 64, T: 77, C: 512, V: 1000, pad: 0.6, heavy: true },
];

function randomIds(rng: Rng, c: Case): Int32Array {
  const N = c.B * c.T;
  const ids = new Int32Array(N);
  for (let n = 0; n < N; n++) ids[n] = c.pad && rng.next() < c.pad ? 0 : rng.int(c.V);
  if (c.outOfRange && N >= 2) {
    ids[1] = -1;
    ids[N - 1] = c.V;
  }
  return ids;
}

const caseName = (c: Case) =>
  `B=${c.B} T=${c.T} C=${c.C} V=${c.V}${c.pad ? ` pad ${c.pad}` : ''}${c.outOfRange ? ' ids −1 and V' : ''}`;

const fwdChecks = cases.map((c, i) =>
  makeCheck(
    'embedding.forward',
    caseName(c),
    async (gpu) => {
      const rng = new Rng(600 + i);
      const N = c.B * c.T;
      const ids = randomIds(rng, c);
      const table = randArray(rng, c.V * c.C);
      const pos = randArray(rng, c.T * c.C);
      const s = gpuScope(gpu);
      const out = s.zeros(N * c.C, 'out');
      embeddingForward(gpu, s.up(ids, 'ids', 'i32'), s.up(table, 'table'), s.up(pos, 'pos'), out, N, c.T, c.C);
      const got = await gpu.read(out);
      s.free();
      return [{ label: 'out', actual: got, expected: embeddingForwardRef(ids, table, pos, N, c.T, c.C), tol: TOL_FWD }];
    },
    c.heavy,
  ),
);

const bwdChecks = cases.map((c, i) =>
  makeCheck(
    'embedding.backward',
    `${caseName(c)} (+=, run twice: bit-identical)`,
    async (gpu) => {
      const rng = new Rng(650 + i);
      const N = c.B * c.T;
      const ids = randomIds(rng, c);
      const dout = randArray(rng, N * c.C);
      const dt0 = randArray(rng, c.V * c.C);
      const dp0 = randArray(rng, c.T * c.C);
      const s = gpuScope(gpu);
      const Ids = s.up(ids, 'ids', 'i32');
      const Dout = s.up(dout, 'dout');
      const runs: Float32Array[][] = [];
      for (let r = 0; r < 2; r++) {
        const dt = s.up(dt0, 'dtable');
        const dp = s.up(dp0, 'dpos');
        embeddingBackward(gpu, Ids, Dout, dt, dp, N, c.T, c.C, c.V);
        runs.push([await gpu.read(dt), await gpu.read(dp)]);
      }
      s.free();
      const want = embeddingBackwardRef(ids, dout, N, c.T, c.C, c.V);
      return [
        { label: 'dtable', actual: runs[0][0], expected: plus(dt0, want.dtable), tol: tolSum(N) },
        { label: 'dpos', actual: runs[0][1], expected: plus(dp0, want.dpos), tol: tolSum(c.B) },
        { label: 'dtable rerun', actual: runs[1][0], expected: runs[0][0], tol: EXACT },
        { label: 'dpos rerun', actual: runs[1][1], expected: runs[0][1], tol: EXACT },
      ];
    },
    c.heavy,
  ),
);

const fdCheck = makeCheck('embedding.backward', 'finite differences B=2 T=3 C=4 V=5, repeated ids', async (gpu) => {
  const [B, T, C, V] = [2, 3, 4, 5];
  const N = B * T;
  const rng = new Rng(690);
  const ids = Int32Array.from([1, 3, 1, 0, 1, 3]);
  const table = randArray(rng, V * C);
  const pos = randArray(rng, T * C);
  const w = randArray(rng, N * C);
  const s = gpuScope(gpu);
  const dt = s.zeros(V * C, 'dtable');
  const dp = s.zeros(T * C, 'dpos');
  embeddingBackward(gpu, s.up(ids, 'ids', 'i32'), s.up(w, 'dout'), dt, dp, N, T, C, V);
  const [gt, gp] = [await gpu.read(dt), await gpu.read(dp)];
  s.free();
  return [
    { label: 'dtable', actual: gt, expected: numericalGradient((v) => dot(embeddingForwardRef(ids, v, pos, N, T, C), w), table), tol: FD_TOL },
    { label: 'dpos', actual: gp, expected: numericalGradient((v) => dot(embeddingForwardRef(ids, table, v, N, T, C), w), pos), tol: FD_TOL },
  ];
});

export const checks: KernelCheck[] = [...fwdChecks, ...bwdChecks, fdCheck];
