// GPU checks of the tiled contrastive losses (InfoNCE, SigLIP): forward loss and every gradient
// (accumulated onto random initial grads, scaled by an upstream gradient) vs the float64 CPU
// references; float64 finite differences of the CPU forward vs the GPU backward; the logit-scale
// clamp; bit-exact determinism; and a large batch, B = 2049 (heavy: 65 row blocks of 32, the last one row).
import { Rng, randArray } from '../util/rng';
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import type { Tolerance } from '../testing/compare';
import { numericalGradient } from '../testing/finite-diff';
import { type CheckResult, type KernelCheck, judge } from './check';
import { LN100, infoNceBackward, infoNceForward, infoNceRef } from './infonce';
import { type SiglipVariant, setSiglipVariant, siglipBackward, siglipForward, siglipRef } from './siglip';
import { setSiglipChunkCols } from './siglip-chunked';

/** (B, D) rows of N(0, 1) scaled to unit length, as float32 (what the GPU sees). */
function unitRows(rng: Rng, B: number, D: number): Float32Array {
  const a = randArray(rng, B * D);
  for (let i = 0; i < B; i++) {
    let n = 0;
    for (let k = 0; k < D; k++) n += a[i * D + k] ** 2;
    const inv = 1 / Math.sqrt(n);
    for (let k = 0; k < D; k++) a[i * D + k] *= inv;
  }
  return a;
}

/** expected = init + g · ref, elementwise. */
function accumulated(init: ArrayLike<number>, g: number, ref: ArrayLike<number>): Float64Array {
  return Float64Array.from(init, (v, i) => v + g * ref[i]);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

interface Inputs {
  B: number;
  D: number;
  x: Float32Array;
  y: Float32Array;
  /** t (InfoNCE) or t' (SigLIP), float32-rounded. */
  t: number;
  /** SigLIP bias, float32-rounded. */
  b: number;
  /** Upstream gradient of the loss. */
  g: number;
  /** Initial gradient buffers (backward accumulates onto them). */
  dX0: Float32Array;
  dY0: Float32Array;
  dT0: Float32Array;
  dB0: Float32Array;
}

function makeInputs(seed: number, B: number, D: number, t: number, g: number, b = 0): Inputs {
  const rng = new Rng(seed);
  return {
    B,
    D,
    x: unitRows(rng, B, D),
    y: unitRows(rng, B, D),
    t: Math.fround(t),
    b: Math.fround(b),
    g,
    dX0: randArray(rng, B * D, 0.01),
    dY0: randArray(rng, B * D, 0.01),
    dT0: randArray(rng, 1, 0.1),
    dB0: randArray(rng, 1, 0.1),
  };
}

interface GpuOut {
  loss: number;
  dX: Float32Array;
  dY: Float32Array;
  dT: Float32Array;
  dB: Float32Array;
}

/** Forward then backward on the GPU; reads back the loss and the accumulated gradients. */
async function runGpu(gpu: Gpu, kind: 'infonce' | 'siglip', c: Inputs): Promise<GpuOut> {
  const { B, D } = c;
  const owned: Tensor[] = [];
  const mk = (data: ArrayLike<number>, shape: number[], label: string) => {
    const t = gpu.fromArray(data, shape, label);
    owned.push(t);
    return t;
  };
  const zeros = (shape: number[], label: string) => {
    const t = gpu.tensor(shape, label);
    owned.push(t);
    return t;
  };
  const img = mk(c.x, [B, D], 'img');
  const txt = mk(c.y, [B, D], 'txt');
  const logT = mk([c.t], [1], 'logT');
  const dImg = mk(c.dX0, [B, D], 'dImg');
  const dTxt = mk(c.dY0, [B, D], 'dTxt');
  const dLogT = mk(c.dT0, [1], 'dLogT');
  const loss = zeros([1], 'loss');
  let dBias: Tensor | undefined;
  if (kind === 'infonce') {
    const rowLse = zeros([B], 'rowLse');
    const colLse = zeros([B], 'colLse');
    infoNceForward(gpu, img, txt, logT, rowLse, colLse, loss, B, D);
    infoNceBackward(gpu, img, txt, logT, rowLse, colLse, dImg, dTxt, dLogT, B, D, c.g);
  } else {
    const bias = mk([c.b], [1], 'bias');
    dBias = mk(c.dB0, [1], 'dBias');
    const scratch = zeros([B], 'scratch');
    siglipForward(gpu, img, txt, logT, bias, loss, B, D, scratch);
    siglipBackward(gpu, img, txt, logT, bias, dImg, dTxt, dLogT, dBias, B, D, c.g);
  }
  const out: GpuOut = {
    loss: (await gpu.read(loss))[0],
    dX: await gpu.read(dImg),
    dY: await gpu.read(dTxt),
    dT: await gpu.read(dLogT),
    dB: dBias ? await gpu.read(dBias) : new Float32Array(1),
  };
  for (const t of owned) t.buffer.destroy();
  return out;
}

// ---------------------------------------------------------------- tolerances
// Calibrated on SwiftShader with ~8× headroom over the worst observed error. The loss is a sum of
// log-sum-exps of f32 logits (absolute error ~ s·1e-7 each). A gradient element sums B products
// with f32 weights, so its error relative to the largest gradient element grows like √B
// (observed ~4e-7 at B=3, 1e-6 at B=257, 4e-6 at B=4096); the scalars sum B² such terms.
function lossTol(s: number, B: number): Tolerance {
  return { atol: 5e-7 * (1 + s) * Math.sqrt(Math.log2(B) + 1), rtol: 1e-5 };
}
/** For a gradient array whose reference (×g) has largest magnitude `scale`. */
function gradTol(B: number, scale: number): Tolerance {
  return { atol: 2e-6 * (1 + Math.sqrt(B) / 4) * scale + 1e-12, rtol: 1e-4 };
}
/** For dT / dBias with reference (×g) `ref`. */
function scalarTol(s: number, g: number, ref: number): Tolerance {
  return { atol: 1e-6 * (1 + s) * g * (1 + Math.abs(ref)), rtol: 1e-4 };
}

function compareAll(kind: 'infonce' | 'siglip', name: string, c: Inputs, got: GpuOut): CheckResult {
  const ref: { loss: number; dImg: Float64Array; dTxt: Float64Array; dT: number; dB?: number } =
    kind === 'infonce' ? infoNceRef(c.x, c.y, c.t, c.B, c.D) : siglipRef(c.x, c.y, c.t, c.b, c.B, c.D);
  const s = kind === 'infonce' ? Math.exp(Math.min(c.t, LN100)) : Math.exp(c.t);
  const g = c.g;
  const xyScale = g * Math.max(maxAbs(ref.dImg), maxAbs(ref.dTxt));
  const parts = [
    { label: 'loss', actual: [got.loss], expected: [ref.loss], tol: lossTol(s, c.B) },
    { label: 'dImg', actual: got.dX, expected: accumulated(c.dX0, g, ref.dImg), tol: gradTol(c.B, xyScale) },
    { label: 'dTxt', actual: got.dY, expected: accumulated(c.dY0, g, ref.dTxt), tol: gradTol(c.B, xyScale) },
    { label: 'dT', actual: got.dT, expected: [c.dT0[0] + g * ref.dT], tol: scalarTol(s, g, ref.dT) },
  ];
  if (ref.dB !== undefined) {
    parts.push({ label: 'dBias', actual: got.dB, expected: [c.dB0[0] + g * ref.dB], tol: scalarTol(s, g, ref.dB) });
  }
  return judge(`contrastive.${kind}`, name, parts);
}

// ---------------------------------------------------------------- GPU vs CPU reference

const Bs = [1, 3, 17, 65, 257];
const Ds = [3, 8, 33, 64];
const infoTs = [Math.log(1 / 0.07), 4.0, LN100 - 0.01, 0.5];
const sigTs = [Math.log(10), 1.0, 3.0];
const sigBs = [-10, -2, 0.5];
const gs = [1, 0.75, 2.5];

function refChecks(kind: 'infonce' | 'siglip'): KernelCheck[] {
  const out: KernelCheck[] = [];
  let n = 0;
  for (const B of Bs) {
    for (const D of Ds) {
      const i = n++;
      const t = kind === 'infonce' ? infoTs[i % infoTs.length] : sigTs[i % sigTs.length];
      const b = sigBs[i % sigBs.length];
      const g = gs[i % gs.length];
      const name = `B=${B} D=${D} t=${t.toFixed(3)}${kind === 'siglip' ? ` b=${b}` : ''} g=${g} vs CPU`;
      out.push({
        kernel: `contrastive.${kind}`,
        name,
        async run(gpu) {
          const c = makeInputs(1000 * (kind === 'infonce' ? 1 : 2) + i, B, D, t, g, b);
          return compareAll(kind, name, c, await runGpu(gpu, kind, c));
        },
      });
    }
  }
  return out;
}

/** t above ln 100: s = 100 and the clamp passes no gradient, so dT keeps its initial value exactly. */
const clampName = 'clamp: t=5 > ln 100 → s=100, dT unchanged (B=17 D=8)';
const clampCheck: KernelCheck = {
  kernel: 'contrastive.infonce',
  name: clampName,
  async run(gpu) {
    const c = makeInputs(77, 17, 8, 5, 1.5);
    const got = await runGpu(gpu, 'infonce', c);
    const r = compareAll('infonce', clampName, c, got);
    const exact = judge('contrastive.infonce', clampName, [
      { label: 'dT == initial', actual: got.dT, expected: c.dT0, tol: { atol: 0, rtol: 0 } },
    ]);
    const ok = r.ok && exact.ok && got.dT[0] === c.dT0[0];
    return { ...r, ok, message: `${r.message}; ${exact.message}` };
  },
};

/** Same inputs twice → bit-identical outputs (fixed-order reductions, one owner per output). */
function determinismCheck(kind: 'infonce' | 'siglip'): KernelCheck {
  const name = 'deterministic: two runs bit-identical (B=257 D=33)';
  return {
    kernel: `contrastive.${kind}`,
    name,
    async run(gpu) {
      const c = makeInputs(55, 257, 33, kind === 'infonce' ? 2.6 : 2.3, 1, -10);
      const a = await runGpu(gpu, kind, c);
      const b = await runGpu(gpu, kind, c);
      const same = (u: ArrayLike<number>, v: ArrayLike<number>) => {
        for (let i = 0; i < u.length; i++) if (!Object.is(u[i], v[i])) return false;
        return true;
      };
      const ok = a.loss === b.loss && same(a.dX, b.dX) && same(a.dY, b.dY) && same(a.dT, b.dT) && same(a.dB, b.dB);
      return { kernel: `contrastive.${kind}`, name, ok, maxAbsErr: 0, message: ok ? 'bit-identical' : 'runs differ' };
    },
  };
}

// ---------------------------------------------------------------- finite differences

/**
 * L = g · loss(img, txt, t[, b]) with the float64 CPU forward, differentiated numerically over every
 * input, vs the GPU backward run with upstream gradient g (accumulated onto initial grads).
 */
function fdCheck(kind: 'infonce' | 'siglip', B: number, D: number, t: number, b: number, seed: number): KernelCheck {
  const name = `finite differences B=${B} D=${D} t=${t.toFixed(3)}${kind === 'siglip' ? ` b=${b}` : ''}`;
  return {
    kernel: `contrastive.${kind}`,
    name,
    async run(gpu) {
      const c = makeInputs(seed, B, D, t, 0.7, b);
      const got = await runGpu(gpu, kind, c);
      const nX = B * D;
      const v0 = new Float64Array(2 * nX + 2);
      v0.set(c.x, 0);
      v0.set(c.y, nX);
      v0[2 * nX] = c.t;
      v0[2 * nX + 1] = c.b;
      const f = (v: Float64Array) => {
        const x = v.subarray(0, nX);
        const y = v.subarray(nX, 2 * nX);
        const l = kind === 'infonce' ? infoNceRef(x, y, v[2 * nX], B, D).loss : siglipRef(x, y, v[2 * nX], v[2 * nX + 1], B, D).loss;
        return c.g * l;
      };
      const fd = numericalGradient(f, v0);
      const sub = (a: ArrayLike<number>, a0: ArrayLike<number>) => Float64Array.from(a, (v, i) => v - a0[i]);
      const tol = { atol: 3e-5, rtol: 1e-3 };
      const parts = [
        { label: 'dImg', actual: sub(got.dX, c.dX0), expected: fd.subarray(0, nX), tol },
        { label: 'dTxt', actual: sub(got.dY, c.dY0), expected: fd.subarray(nX, 2 * nX), tol },
        { label: 'dT', actual: [got.dT[0] - c.dT0[0]], expected: [fd[2 * nX]], tol },
      ];
      if (kind === 'siglip') parts.push({ label: 'dBias', actual: [got.dB[0] - c.dB0[0]], expected: [fd[2 * nX + 1]], tol });
      return judge(`contrastive.${kind}`, name, parts);
    },
  };
}

// ---------------------------------------------------------------- large batch

function heavyCheck(kind: 'infonce' | 'siglip', B: number, D: number): KernelCheck {
  const t = kind === 'infonce' ? Math.log(1 / 0.07) : Math.log(10);
  const name = `B=${B} D=${D} t=${t.toFixed(3)} vs CPU (tiled, no B×B buffer)`;
  return {
    kernel: `contrastive.${kind}`,
    name,
    heavy: true,
    async run(gpu) {
      const c = makeInputs(kind === 'infonce' ? 4096 : 4097, B, D, t, 1, -10);
      return compareAll(kind, name, c, await runGpu(gpu, kind, c));
    },
  };
}

// ---------------------------------------------------------------- SigLIP variants (the tuner may pick either)
// The checks above run the default variant ('chunked' untuned, one chunk below B = 2048). These force each
// variant, and force 64-column chunks so that awkward B runs several chunks with a short last one.

function variantCheck(v: SiglipVariant, B: number, D: number, t: number, b: number, g: number, cols?: number): KernelCheck {
  const name = `${v}${cols ? ` (chunks of ${cols})` : ''}: B=${B} D=${D} t=${t.toFixed(3)} b=${b} g=${g} vs CPU`;
  return {
    kernel: 'contrastive.siglip',
    name,
    async run(gpu) {
      const c = makeInputs(3000 + B + D, B, D, t, g, b);
      setSiglipVariant(v);
      setSiglipChunkCols(cols);
      try {
        return compareAll('siglip', name, c, await runGpu(gpu, 'siglip', c));
      } finally {
        setSiglipVariant('auto');
        setSiglipChunkCols(undefined);
      }
    },
  };
}

const siglipVariantChecks: KernelCheck[] = [
  variantCheck('tiled', 3, 5, 1.0, -2, 0.75),
  variantCheck('tiled', 65, 33, Math.log(10), -10, 1),
  variantCheck('tiled', 257, 64, 3.0, 0.5, 2.5),
  variantCheck('chunked', 200, 33, Math.log(10), -10, 1.5, 64),
  variantCheck('chunked', 130, 64, 2.0, -1, 0.5, 64),
  variantCheck('chunked', 65, 7, 1.0, 0.5, 1, 64),
];

export const checks: KernelCheck[] = [
  ...refChecks('infonce'),
  clampCheck,
  determinismCheck('infonce'),
  fdCheck('infonce', 3, 4, Math.log(1 / 0.07), 0, 11),
  fdCheck('infonce', 5, 3, 4.3, 0, 12),
  fdCheck('infonce', 4, 2, 4.9, 0, 13),
  // B = 2049, not 4096: the work is B², run by SwiftShader's CPU threads; at 4096 this one case took 455 s
  // of kernel-page time on the loaded 2-core machine, the most of any check. 2049 keeps a large tiled batch
  // (4.2 M logits never stored) with a one-row last block.
  heavyCheck('infonce', 2049, 64),
  ...refChecks('siglip'),
  determinismCheck('siglip'),
  fdCheck('siglip', 3, 4, Math.log(10), -10, 21),
  fdCheck('siglip', 5, 3, 1.2, 0.4, 22),
  fdCheck('siglip', 4, 2, 3.0, -2, 23),
  // 2049² logits = 16.8 MB: just over the chunked variant's 16 MiB scratch cap, so it still runs in two chunks.
  heavyCheck('siglip', 2049, 64),
  ...siglipVariantChecks,
];
