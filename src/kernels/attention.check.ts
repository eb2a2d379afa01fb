// GPU checks for the attention kernels: forward (out, lse), probs and backward against the float64
// references, the backward also against float64 finite differences and for run-to-run determinism.
import { Rng, randArray } from '../util/rng';
import type { Gpu } from '../gpu/runtime';
import { ALIGN_ELEMS, type Tensor, alignUp, numel } from '../gpu/tensor';
import { dot, numericalGradient } from '../testing/finite-diff';
import {
  type AttnDims,
  type AttnRefDims,
  attentionBackward,
  attentionBackwardRef,
  attentionForward,
  attentionForwardRef,
  attentionProbs,
  setAttentionVariant,
} from './attention';
import { type KernelCheck, judge } from './check';

// fp32 dot products over D terms and softmax sums over ≤ 77 keys of O(1) values.
const TOL_OUT = { atol: 1e-5, rtol: 1e-5 };
const TOL_LSE = { atol: 1e-5, rtol: 1e-5 };
const TOL_PROBS = { atol: 2e-6, rtol: 1e-5 };
const TOL_GRAD = { atol: 1e-4, rtol: 1e-4 };

interface Case extends AttnRefDims {
  lengths?: number[];
  /** Input std (3 makes the softmax sharp). */
  scale?: number;
  heavy?: boolean;
}

const cases: Case[] = [
  { B: 1, T: 1, H: 1, D: 4, causal: false },
  { B: 1, T: 1, H: 3, D: 8, causal: true, lengths: [1] },
  { B: 2, T: 3, H: 3, D: 8, causal: true },
  { B: 2, T: 3, H: 1, D: 4, causal: false, lengths: [1, 3] },
  { B: 2, T: 17, H: 1, D: 16, causal: false, lengths: [17, 1] },
  { B: 2, T: 17, H: 3, D: 64, causal: false },
  { B: 3, T: 33, H: 3, D: 64, causal: true, lengths: [33, 1, 20] },
  { B: 2, T: 33, H: 1, D: 16, causal: true, lengths: [5, 33], scale: 3 },
  { B: 1, T: 65, H: 1, D: 4, causal: true },
  { B: 2, T: 65, H: 3, D: 8, causal: false, lengths: [1, 40] },
  { B: 2, T: 20, H: 2, D: 12, causal: false, scale: 3 },
  { B: 4, T: 77, H: 8, D: 64, causal: true, lengths: [77, 1, 40, 64], heavy: true },
  { B: 4, T: 77, H: 8, D: 64, causal: false, heavy: true },
  // Odd head dims, one head, T not a multiple of the 16-row / 16-key tiles (issue 17).
  { B: 2, T: 19, H: 1, D: 5, causal: true, lengths: [19, 7] },
  { B: 1, T: 37, H: 1, D: 33, causal: false },
];

function caseName(c: Case): string {
  const extras = [c.causal ? 'causal' : '', c.lengths ? `len [${c.lengths}]` : '', c.scale ? `x·${c.scale}` : ''];
  const x = extras.filter(Boolean).join(', ');
  return `B${c.B} T${c.T} H${c.H} D${c.D}${x ? ` (${x})` : ''}`;
}

/** Upload the case's inputs; `release` destroys every buffer made here. */
function setup(gpu: Gpu, c: Case, seed: number) {
  const rng = new Rng(seed);
  const C = c.H * c.D;
  const qkv = randArray(rng, c.B * c.T * 3 * C, c.scale ?? 1);
  const made: Tensor[] = [];
  const mk = (t: Tensor) => {
    made.push(t);
    return t;
  };
  const Qkv = mk(gpu.fromArray(qkv, [c.B, c.T, 3 * C], 'qkv'));
  const Len = c.lengths ? mk(gpu.fromArray(c.lengths, [c.B], 'lengths', 'i32')) : undefined;
  const dims: AttnDims = { B: c.B, T: c.T, H: c.H, D: c.D, causal: c.causal, lengths: Len };
  return { rng, qkv, Qkv, dims, mk, release: () => {
      for (const t of made) t.buffer.destroy();
    },
  };
}

function forwardCheck(c: Case, seed: number): KernelCheck {
  return {
    kernel: 'attention.forward',
    name: caseName(c),
    heavy: c.heavy,
    async run(gpu) {
      const s = setup(gpu, c, seed);
      const out = s.mk(gpu.tensor([c.B, c.T, c.H * c.D], 'out'));
      const lse = s.mk(gpu.tensor([c.B, c.H, c.T], 'lse'));
      attentionForward(gpu, s.Qkv, out, lse, s.dims);
      const [gotOut, gotLse] = [await gpu.read(out), await gpu.read(lse)];
      s.release();
      const want = attentionForwardRef(s.qkv, c);
      return judge('attention.forward', caseName(c), [
        { label: 'out', actual: gotOut, expected: want.out, tol: TOL_OUT },
        { label: 'lse', actual: gotLse, expected: want.lse, tol: TOL_LSE },
      ]);
    },
  };
}

function probsCheck(c: Case, seed: number): KernelCheck {
  return {
    kernel: 'attention.probs',
    name: caseName(c),
    heavy: c.heavy,
    async run(gpu) {
      const s = setup(gpu, c, seed);
      // Pre-fill with NaN: every entry, masked ones included, must be written.
      const probs = s.mk(gpu.fromArray(new Float32Array(c.B * c.H * c.T * c.T).fill(Number.NaN), [c.B, c.H, c.T, c.T], 'probs'));
      attentionProbs(gpu, s.Qkv, probs, s.dims);
      const got = await gpu.read(probs);
      s.release();
      const want = attentionForwardRef(s.qkv, c).probs;
      return judge('attention.probs', caseName(c), [{ label: 'probs', actual: got, expected: want, tol: TOL_PROBS }]);
    },
  };
}

/** GPU forward then backward, accumulating onto `init` (B, T, 3C). Returns dqkv. */
async function gpuBackward(gpu: Gpu, s: ReturnType<typeof setup>, c: Case, dout: Float32Array, init: Float32Array) {
  const C = c.H * c.D;
  const out = s.mk(gpu.tensor([c.B, c.T, C], 'out'));
  const lse = s.mk(gpu.tensor([c.B, c.H, c.T], 'lse'));
  const dOut = s.mk(gpu.fromArray(dout, [c.B, c.T, C], 'dout'));
  const dQkv = s.mk(gpu.fromArray(init, [c.B, c.T, 3 * C], 'dqkv'));
  const scratch = s.mk(gpu.tensor([c.B, c.H, c.T], 'scratch'));
  attentionForward(gpu, s.Qkv, out, lse, s.dims);
  attentionBackward(gpu, s.Qkv, out, dOut, lse, dQkv, scratch, s.dims);
  return gpu.read(dQkv);
}

function backwardCheck(c: Case, seed: number): KernelCheck {
  const name = `${caseName(c)}, += onto random grad`;
  return {
    kernel: 'attention.backward',
    name,
    heavy: c.heavy,
    async run(gpu) {
      const s = setup(gpu, c, seed);
      const dout = randArray(s.rng, c.B * c.T * c.H * c.D);
      const init = randArray(s.rng, s.qkv.length);
      const got = await gpuBackward(gpu, s, c, dout, init);
      s.release();
      const want = attentionBackwardRef(s.qkv, dout, c);
      for (let i = 0; i < want.length; i++) want[i] += init[i];
      return judge('attention.backward', name, [{ label: 'dqkv', actual: got, expected: want, tol: TOL_GRAD }]);
    },
  };
}

const fdCases: Case[] = [
  { B: 2, T: 3, H: 2, D: 4, causal: true, lengths: [3, 1] },
  { B: 1, T: 5, H: 1, D: 8, causal: false, lengths: [3] },
  { B: 2, T: 4, H: 1, D: 4, causal: false },
  { B: 1, T: 5, H: 1, D: 3, causal: true }, // odd head dim
];

function fdCheck(c: Case, seed: number): KernelCheck {
  const name = `${caseName(c)} vs finite differences`;
  return {
    kernel: 'attention.backward',
    name,
    async run(gpu) {
      const s = setup(gpu, c, seed);
      const w = randArray(s.rng, c.B * c.T * c.H * c.D);
      const got = await gpuBackward(gpu, s, c, w, new Float32Array(s.qkv.length));
      s.release();
      const want = numericalGradient((x) => dot(attentionForwardRef(x, c).out, w), s.qkv);
      return judge('attention.backward', name, [{ label: 'dqkv', actual: got, expected: want, tol: TOL_GRAD }]);
    },
  };
}

function determinismCheck(c: Case, seed: number): KernelCheck {
  const name = `${caseName(c)} twice, bit-identical`;
  return {
    kernel: 'attention.backward',
    name,
    async run(gpu) {
      const s = setup(gpu, c, seed);
      const dout = randArray(s.rng, c.B * c.T * c.H * c.D);
      const zeros = new Float32Array(s.qkv.length);
      const a = await gpuBackward(gpu, s, c, dout, zeros);
      const b = await gpuBackward(gpu, s, c, dout, zeros);
      s.release();
      return judge('attention.backward', name, [{ label: 'run 2 vs run 1', actual: b, expected: a, tol: { atol: 0, rtol: 0 } }]);
    },
  };
}

/** Every tensor a view into ONE buffer (as the activation arena does): must pass validation and stay correct. */
function sharedBufferCheck(c: Case, seed: number): KernelCheck {
  const name = `${caseName(c)}, all tensors in one buffer`;
  return {
    kernel: 'attention',
    name,
    async run(gpu) {
      const rng = new Rng(seed);
      const C = c.H * c.D;
      const shapes = {
        qkv: [c.B, c.T, 3 * C],
        out: [c.B, c.T, C],
        lse: [c.B, c.H, c.T],
        dout: [c.B, c.T, C],
        dqkv: [c.B, c.T, 3 * C],
        scratch: [c.B, c.H, c.T],
        probs: [c.B, c.H, c.T, c.T],
        lengths: [c.B],
      };
      let total = 0;
      const offsets: Record<string, number> = {};
      for (const [k, sh] of Object.entries(shapes)) {
        offsets[k] = total;
        total += alignUp(numel(sh), ALIGN_ELEMS);
      }
      const buffer = gpu.createBuffer(total * 4, 'attention-arena');
      const view = (k: keyof typeof shapes): Tensor => ({
        buffer,
        offset: offsets[k] * 4,
        shape: shapes[k],
        dtype: k === 'lengths' ? 'i32' : 'f32',
        label: k,
      });
      const qkv = randArray(rng, c.B * c.T * 3 * C);
      const dout = randArray(rng, c.B * c.T * C);
      gpu.upload(view('qkv'), qkv);
      gpu.upload(view('dout'), dout);
      gpu.upload(view('dqkv'), new Float32Array(qkv.length));
      if (c.lengths) gpu.upload(view('lengths'), Int32Array.from(c.lengths));
      const dims: AttnDims = { B: c.B, T: c.T, H: c.H, D: c.D, causal: c.causal, lengths: c.lengths ? view('lengths') : undefined };
      attentionForward(gpu, view('qkv'), view('out'), view('lse'), dims);
      attentionBackward(gpu, view('qkv'), view('out'), view('dout'), view('lse'), view('dqkv'), view('scratch'), dims);
      attentionProbs(gpu, view('qkv'), view('probs'), dims);
      const [out, lse, dqkv, probs] = [await gpu.read(view('out')), await gpu.read(view('lse')), await gpu.read(view('dqkv')), await gpu.read(view('probs'))];
      buffer.destroy();
      const want = attentionForwardRef(qkv, c);
      return judge('attention', name, [
        { label: 'out', actual: out, expected: want.out, tol: TOL_OUT },
        { label: 'lse', actual: lse, expected: want.lse, tol: TOL_LSE },
        { label: 'probs', actual: probs, expected: want.probs, tol: TOL_PROBS },
        { label: 'dqkv', actual: dqkv, expected: attentionBackwardRef(qkv, dout, c), tol: TOL_GRAD },
      ]);
    },
  };
}

// The tiled variant compiles its pipelines per (head dim, causal, lengths) — on SwiftShader ~5 s a case whatever
// its size — so `npm test` runs it on the cases that reach each of its paths: causal with lengths over 3 key tiles
// (H 3, D 64), non-causal with lengths over 5 tiles, an odd head dim with T off the tile, D 33 without lengths, one
// finite-difference case, determinism and the one-buffer case. Its other shapes are heavy (the slow suite, CI).
const TILED_QUICK = new Set([6, 9, 13, 14]);
const base: { check: KernelCheck; tiledQuick: boolean }[] = [
  ...cases.map((c, i) => ({ check: forwardCheck(c, 300 + i), tiledQuick: TILED_QUICK.has(i) })),
  ...cases.map((c, i) => ({ check: probsCheck(c, 300 + i), tiledQuick: TILED_QUICK.has(i) })),
  ...cases.map((c, i) => ({ check: backwardCheck(c, 300 + i), tiledQuick: TILED_QUICK.has(i) })),
  ...fdCases.map((c, i) => ({ check: fdCheck(c, 400 + i), tiledQuick: i === 0 })),
  { check: determinismCheck(cases[6], 500), tiledQuick: true },
  { check: sharedBufferCheck(cases[7], 600), tiledQuick: true },
];

// Every case runs on both implementations (see AttnVariant in attention.ts).
export const checks: KernelCheck[] = (['tiled', 'direct'] as const).flatMap((variant) =>
  base.map(({ check: c, tiledQuick }) => ({
    ...c,
    heavy: !!c.heavy || (variant === 'tiled' && !tiledQuick),
    kernel: `${c.kernel}.${variant}`,
    async run(gpu) {
      setAttentionVariant(variant);
      try {
        const r = await c.run(gpu);
        return { ...r, kernel: `${r.kernel}.${variant}` };
      } finally {
        setAttentionVariant('auto');
      }
    },
  })),
);
