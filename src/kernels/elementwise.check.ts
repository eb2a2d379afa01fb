import { Rng, randArray } from '../util/rng';
import type { Gpu } from '../gpu/runtime';
import type { DType, Tensor } from '../gpu/tensor';
import { dot, numericalGradient } from '../testing/finite-diff';
import { type KernelCheck, judge } from './check';
import {
  accumulate,
  accumulateRef,
  add,
  addBiasRef,
  addRef,
  copy,
  copyRef,
  fill,
  fillRef,
  reluBackward,
  reluBackwardRef,
  reluForward,
  reluForwardRef,
  sumRows,
  sumRowsRef,
  sumRowsStrided,
} from './elementwise';

/** Tensors made for one check, destroyed together (also used by the other kernel checks here). */
export function gpuScope(gpu: Gpu) {
  const made: Tensor[] = [];
  return {
    up(data: ArrayLike<number>, label: string, dtype: DType = 'f32'): Tensor {
      const t = gpu.fromArray(data, [data.length], label, dtype);
      made.push(t);
      return t;
    },
    zeros(n: number, label: string): Tensor {
      return this.up(new Float32Array(n), label);
    },
    free(): void {
      for (const t of made) t.buffer.destroy();
    },
  };
}

export type Parts = Parameters<typeof judge>[2];

/** A KernelCheck whose body returns the named comparisons; judge() turns them into the result. */
export function makeCheck(kernel: string, name: string, body: (gpu: Gpu) => Promise<Parts>, heavy = false): KernelCheck {
  return { kernel, name, heavy, run: async (gpu) => judge(kernel, name, await body(gpu)) };
}

/** a + b elementwise (expected value of an accumulating kernel: initial grad + reference grad). */
export const plus = (a: ArrayLike<number>, b: ArrayLike<number>): Float64Array => Float64Array.from(a, (v, i) => v + b[i]);

// Elementwise ops are one f32 operation per element: exact or within an ulp.
const ULP = { atol: 1e-6, rtol: 1e-6 };
const EXACT = { atol: 0, rtol: 0 };
// Finite differences in float64 vs f32 GPU gradients.
export const FD_TOL = { atol: 1e-4, rtol: 1e-3 };

const sizes = [1, 3, 17, 33, 65, 127, 257, 65 * 127];

function elementwiseCheck(n: number, seed: number, heavy = false): KernelCheck {
  return makeCheck(
    'elementwise',
    `add, accumulate ×0.5, copy, fill, relu, relu′ n=${n}`,
    async (gpu) => {
      const rng = new Rng(700 + seed);
      const a = randArray(rng, n);
      const b = randArray(rng, n);
      const d0 = randArray(rng, n);
      const s = gpuScope(gpu);
      const A = s.up(a, 'a');
      const B = s.up(b, 'b');
      const outs = [s.zeros(n, 'sum'), s.up(d0, 'acc'), s.zeros(n, 'copy'), s.zeros(n, 'fill'), s.zeros(n, 'relu'), s.up(d0, 'drelu')];
      add(gpu, A, B, outs[0], n);
      accumulate(gpu, A, outs[1], n, 0.5);
      copy(gpu, B, outs[2], n);
      fill(gpu, outs[3], -2.5);
      reluForward(gpu, A, outs[4], n);
      reluBackward(gpu, A, B, outs[5], n);
      const got: Float32Array[] = [];
      for (const t of outs) got.push(await gpu.read(t));
      s.free();
      return [
        { label: 'add', actual: got[0], expected: addRef(a, b), tol: ULP },
        { label: 'accumulate', actual: got[1], expected: accumulateRef(a, d0, 0.5), tol: ULP },
        { label: 'copy', actual: got[2], expected: copyRef(b), tol: EXACT },
        { label: 'fill', actual: got[3], expected: fillRef(n, -2.5), tol: EXACT },
        { label: 'relu', actual: got[4], expected: reluForwardRef(a), tol: EXACT },
        { label: 'relu′ (+=)', actual: got[5], expected: plus(d0, reluBackwardRef(a, b)), tol: ULP },
      ];
    },
    heavy,
  );
}

interface SumCase {
  N: number;
  C: number;
  stride?: number;
  heavy?: boolean;
}
const sumCases: SumCase[] = [
  { N: 1, C: 1 },
  { N: 3, C: 17 },
  { N: 17, C: 33 },
  { N: 257, C: 65 },
  { N: 65, C: 127 },
  { N: 33, C: 1000 },
  { N: 127, C: 3 },
  { N: 9, C: 33, stride: 100 },
  { N: 4096, C: 512, heavy: true },
];

const sumChecks = sumCases.map((c, i) =>
  makeCheck(
    'sumRows',
    `N=${c.N} C=${c.C}${c.stride ? ` stride ${c.stride}` : ''} (+=)`,
    async (gpu) => {
      const rng = new Rng(800 + i);
      const stride = c.stride ?? c.C;
      const dy = randArray(rng, (c.N - 1) * stride + c.C);
      const d0 = randArray(rng, c.C);
      const s = gpuScope(gpu);
      const out = s.up(d0, 'dbias');
      if (c.stride) sumRowsStrided(gpu, s.up(dy, 'dy'), out, c.N, c.C, stride);
      else sumRows(gpu, s.up(dy, 'dy'), out, c.N, c.C);
      const got = await gpu.read(out);
      s.free();
      const tol = { atol: 1e-5 * Math.sqrt(c.N) * 4, rtol: 1e-4 };
      return [{ label: 'dbias', actual: got, expected: plus(d0, sumRowsRef(dy, c.N, c.C, stride)), tol }];
    },
    c.heavy,
  ),
);

const fdChecks = [
  makeCheck('sumRows', 'finite differences: bias gradient of y = x + bias, N=4 C=5', async (gpu) => {
    const [N, C] = [4, 5];
    const rng = new Rng(850);
    const x = randArray(rng, N * C);
    const bias = randArray(rng, C);
    const w = randArray(rng, N * C);
    const s = gpuScope(gpu);
    const dbias = s.zeros(C, 'dbias');
    sumRows(gpu, s.up(w, 'dy'), dbias, N, C);
    const got = await gpu.read(dbias);
    s.free();
    const fd = numericalGradient((b) => dot(addBiasRef(x, b, N, C), w), bias);
    return [{ label: 'dbias', actual: got, expected: fd, tol: FD_TOL }];
  }),
  makeCheck('elementwise', 'finite differences: relu′ and add′ (accumulate), n=17', async (gpu) => {
    const n = 17;
    const rng = new Rng(851);
    const x = randArray(rng, n);
    const b = randArray(rng, n);
    const w = randArray(rng, n);
    const s = gpuScope(gpu);
    const dx = s.zeros(n, 'dx');
    const da = s.zeros(n, 'da');
    reluBackward(gpu, s.up(x, 'x'), s.up(w, 'dy'), dx, n);
    accumulate(gpu, s.up(w, 'dy'), da, n);
    const gx = await gpu.read(dx);
    const ga = await gpu.read(da);
    s.free();
    return [
      { label: 'relu dx', actual: gx, expected: numericalGradient((v) => dot(reluForwardRef(v), w), x), tol: FD_TOL },
      { label: 'add da', actual: ga, expected: numericalGradient((v) => dot(addRef(v, b), w), x), tol: FD_TOL },
    ];
  }),
];

export const checks: KernelCheck[] = [
  ...sizes.map((n, i) => elementwiseCheck(n, i)),
  // Past 65,535 workgroups of 256: the runtime folds the grid into (x, y).
  elementwiseCheck(65535 * 256 + 1000, 99, true),
  ...sumChecks,
  ...fdChecks,
];
