// Attention and contrastive-loss benchmarks: forward + backward of our kernels vs the same computation
// in tfjs-webgpu (tf.grad over tfjs ops), interleaved, with peak GPU memory of each. Ours: bytes of the
// buffers the op needs (inputs, outputs, saved statistics, scratch; from Gpu.stats.bytesAllocated), all
// O(B·T·C) or O(B·D). tfjs: peak bytes of live tensors during one forward+backward (tf.profile), inputs
// included, and its buffer pool afterwards (tf.memory().numBytesAllocatedInGPU).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, randArray } from '../util/rng';
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { type AttnDims, attentionBackward, attentionForward } from '../kernels/attention';
import { fill } from '../kernels/elementwise';
import { infoNceBackward, infoNceForward } from '../kernels/infonce';
import { siglipBackward, siglipForward, siglipVariant } from '../kernels/siglip';
import { siglipChunk } from '../kernels/siglip-chunked';
import { median, relSpread, rotate } from './stats';
import { attentionMask, siglipSigns, tfAttention, tfDevice, tfGpuBytes, tfInfoNce, tfSigLip, tfSync } from './tf-ops';
import type { OpCaseResult, OpImplResult } from './types';

export interface OpSpec {
  op: 'attention' | 'infonce' | 'siglip';
  B: number;
  /** Attention only: sequence length, heads, causal + padding mask (text tower) or none (vision). */
  T?: number;
  H?: number;
  causal?: boolean;
  /** Head dim (attention) or embedding dim (losses). */
  D: number;
}

export const opName = (s: OpSpec): string =>
  s.op === 'attention' ? `attention ${s.causal ? 'causal+pad' : 'full'} B=${s.B} T=${s.T} H=${s.H} D=${s.D}` : `${s.op} B=${s.B} D=${s.D}`;

/** Forward + backward FLOPs (multiply-adds × 2) of the dense products, for GFLOP/s. */
export function opFlops(s: OpSpec): number {
  if (s.op === 'attention') {
    const T = s.T ?? 1;
    // forward QKᵀ and PV, backward dP = dO·Vᵀ, dV = Pᵀ·dO, dQ = dS·K, dK = dSᵀ·Q (+ recomputed QKᵀ in ours, not counted)
    return 2 * s.B * (s.H ?? 1) * T * T * s.D * 6;
  }
  // forward logits (once per direction in ours, once in tfjs: count once), backward dX = G·Y and dY = Gᵀ·X.
  return 2 * s.B * s.B * s.D * 3;
}

/** Bytes tfjs needs at least for one (B, B) or (B, H, T, T) tensor: the largest single buffer it creates. */
export function tfLargestTensorBytes(s: OpSpec): number {
  return s.op === 'attention' ? 4 * s.B * (s.H ?? 1) * (s.T ?? 1) ** 2 : 4 * s.B * s.B;
}

/** tfjs's measured peak live bytes / its largest tensor (see OpBenchOpts.tfjsMaxBytes). */
const peakFactor = (s: OpSpec) => (s.op === 'infonce' ? 22 : s.op === 'siglip' ? 16 : 12);

interface OpRunner {
  runMany(k: number): Promise<void>;
  /** One fresh forward + backward; named outputs for the cross-check. */
  outputs(): Promise<Record<string, Float32Array>>;
  peakBytes: number;
  poolBytes?: number;
  dispose(): void;
}

function unitRows(rng: Rng, B: number, D: number): Float32Array {
  const x = randArray(rng, B * D);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += x[b * D + k] ** 2;
    const r = 1 / Math.sqrt(s);
    for (let k = 0; k < D; k++) x[b * D + k] *= r;
  }
  return x;
}

interface OpData {
  qkv?: Float32Array;
  dout?: Float32Array;
  lengths?: Int32Array;
  img?: Float32Array;
  txt?: Float32Array;
  t: number;
  bias: number;
}

function makeData(s: OpSpec): OpData {
  const rng = new Rng(5);
  if (s.op === 'attention') {
    const T = s.T ?? 1;
    const C = (s.H ?? 1) * s.D;
    const lengths = s.causal ? Int32Array.from({ length: s.B }, (_, b) => 1 + ((b * 7) % T)) : undefined;
    return { qkv: randArray(rng, s.B * T * 3 * C), dout: randArray(rng, s.B * T * C), lengths, t: 0, bias: 0 };
  }
  return { img: unitRows(rng, s.B, s.D), txt: unitRows(rng, s.B, s.D), t: Math.log(1 / 0.07), bias: -10 };
}

// ------------------------------------------------------------------ ours

function oursRunner(gpu: Gpu, s: OpSpec, data: OpData): OpRunner {
  const bytes0 = gpu.stats.bytesAllocated;
  const made: Tensor[] = [];
  const t = (shape: number[], label: string, init?: ArrayLike<number>, dtype: 'f32' | 'i32' = 'f32') => {
    const x = init ? gpu.fromArray(init, shape, label, dtype) : gpu.tensor(shape, label, dtype);
    made.push(x);
    return x;
  };
  let record: () => void;
  let read: () => Promise<Record<string, Float32Array>>;
  let internal = 0; // bytes of internal scratch the op allocates itself (SigLIP chunked: one (B, nc) pair chunk)
  if (s.op === 'attention') {
    const T = s.T ?? 1;
    const H = s.H ?? 1;
    const C = H * s.D;
    const N = s.B * T;
    const qkv = t([N * 3 * C], 'qkv', data.qkv);
    const dout = t([N * C], 'dout', data.dout);
    const out = t([N * C], 'out');
    const lse = t([s.B * H * T], 'lse');
    const dqkv = t([N * 3 * C], 'dqkv');
    const scratch = t([s.B * H * T], 'scratch');
    const lengths = data.lengths ? t([s.B], 'lengths', data.lengths, 'i32') : undefined;
    const d: AttnDims = { B: s.B, T, H, D: s.D, causal: !!s.causal, lengths };
    record = () => {
      fill(gpu, dqkv, 0);
      attentionForward(gpu, qkv, out, lse, d);
      attentionBackward(gpu, qkv, out, dout, lse, dqkv, scratch, d);
    };
    read = async () => ({ out: await gpu.read(out), dqkv: await gpu.read(dqkv) });
  } else {
    const { B, D } = s;
    const img = t([B * D], 'img', data.img);
    const txt = t([B * D], 'txt', data.txt);
    const logT = t([1], 'logT', [data.t]);
    const loss = t([1], 'loss');
    const dImg = t([B * D], 'dImg');
    const dTxt = t([B * D], 'dTxt');
    const dLogT = t([1], 'dLogT');
    if (s.op === 'infonce') {
      const rowLse = t([B], 'rowLse');
      const colLse = t([B], 'colLse');
      const scratch = t([B], 'scratch');
      record = () => {
        for (const g of [dImg, dTxt, dLogT]) fill(gpu, g, 0);
        infoNceForward(gpu, img, txt, logT, rowLse, colLse, loss, B, D);
        infoNceBackward(gpu, img, txt, logT, rowLse, colLse, dImg, dTxt, dLogT, B, D, 1, scratch);
      };
      read = async () => ({ loss: await gpu.read(loss), dImg: await gpu.read(dImg), dTxt: await gpu.read(dTxt), dT: await gpu.read(dLogT) });
    } else {
      const bias = t([1], 'bias', [data.bias]);
      const dBias = t([1], 'dBias');
      const scratch = t([2 * B], 'scratch');
      if (siglipVariant(B, D) === 'chunked') internal = 4 * B * siglipChunk(B);
      record = () => {
        for (const g of [dImg, dTxt, dLogT, dBias]) fill(gpu, g, 0);
        siglipForward(gpu, img, txt, logT, bias, loss, B, D, scratch);
        siglipBackward(gpu, img, txt, logT, bias, dImg, dTxt, dLogT, dBias, B, D, 1, scratch);
      };
      read = async () => ({
        loss: await gpu.read(loss),
        dImg: await gpu.read(dImg),
        dTxt: await gpu.read(dTxt),
        dT: await gpu.read(dLogT),
        dBias: await gpu.read(dBias),
      });
    }
  }
  return {
    async runMany(k) {
      for (let i = 0; i < k; i++) record();
      await gpu.sync();
    },
    async outputs() {
      record();
      return read();
    },
    peakBytes: gpu.stats.bytesAllocated - bytes0 + internal,
    dispose() {
      for (const x of made) x.buffer.destroy();
    },
  };
}

// ------------------------------------------------------------------ tfjs

async function tfjsRunner(s: OpSpec, data: OpData): Promise<OpRunner> {
  const base = tf.memory().numBytes;
  const held: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(x: T) => {
    held.push(x);
    return x;
  };
  // One forward + backward → named outputs (tensors owned by the caller).
  let step: () => Record<string, tf.Tensor>;
  if (s.op === 'attention') {
    const T = s.T ?? 1;
    const H = s.H ?? 1;
    const C = H * s.D;
    const qkv = keep(tf.tensor2d(data.qkv as Float32Array, [s.B * T, 3 * C]));
    const dout = keep(tf.tensor2d(data.dout as Float32Array, [s.B * T, C]));
    const m = attentionMask(s.B, T, !!s.causal, data.lengths);
    const mask = m ? keep(tf.tensor4d(m, [s.B, 1, T, T])) : null;
    step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => tf.sum(tf.mul(tfAttention(x, s.B, T, H, s.D, mask), dout)))([qkv]);
        return { value, dqkv: grads[0] };
      });
  } else {
    const { B, D } = s;
    const img = keep(tf.tensor2d(data.img as Float32Array, [B, D]));
    const txt = keep(tf.tensor2d(data.txt as Float32Array, [B, D]));
    const t = keep(tf.scalar(data.t));
    if (s.op === 'infonce') {
      step = () =>
        tf.tidy(() => {
          const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor, tt: tf.Tensor) => tfInfoNce(x as tf.Tensor2D, y as tf.Tensor2D, tt))([img, txt, t]);
          return { loss: value, dImg: grads[0], dTxt: grads[1], dT: grads[2] };
        });
    } else {
      const bias = keep(tf.scalar(data.bias));
      const signs = keep(siglipSigns(B));
      step = () =>
        tf.tidy(() => {
          const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor, tt: tf.Tensor, bb: tf.Tensor) =>
            tfSigLip(x as tf.Tensor2D, y as tf.Tensor2D, tt, bb, signs),
          )([img, txt, t, bias]);
          return { loss: value, dImg: grads[0], dTxt: grads[1], dT: grads[2], dBias: grads[3] };
        });
    }
  }
  const disposeAll = (r: Record<string, tf.Tensor>) => {
    for (const x of Object.values(r)) x.dispose();
  };
  // Peak of live tensor bytes during one forward + backward (inputs included), then its outputs freed.
  const prof = await tf.profile(() => disposeAll(step()));
  await tfSync();
  const peakBytes = Math.max(prof.peakBytes, tf.memory().numBytes) - base;
  let last: Record<string, tf.Tensor> | null = null;
  return {
    async runMany(k) {
      for (let i = 0; i < k; i++) {
        if (last) disposeAll(last);
        last = step();
      }
      await tfSync();
    },
    async outputs() {
      const r = step();
      const out: Record<string, Float32Array> = {};
      for (const [name, x] of Object.entries(r)) out[name === 'value' ? 'sum' : name] = (await x.data()) as Float32Array;
      disposeAll(r);
      return out;
    },
    peakBytes,
    get poolBytes() {
      return tfGpuBytes().allocated;
    },
    dispose() {
      if (last) disposeAll(last);
      for (const x of held) x.dispose();
    },
  };
}

// ------------------------------------------------------------------ the case

export interface OpBenchOpts {
  gpu: Gpu;
  tfjs: boolean;
  reps: number;
  sampleMs: number;
  /**
   * tfjs is not run when its estimated peak exceeds this many bytes. Measured peaks (bench/results): ≈ 22×
   * its (B, B) logit tensor for InfoNCE (1.4 GiB at B = 4096), 16× for SigLIP, ≈ 12× the score tensor for attention.
   */
  tfjsMaxBytes: number;
  /** Estimated ms of one iteration (from a smaller B of the same op); over 60 s: no warm-up, one sample. */
  estimateMs?: number;
  log: (s: string) => void;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isFinite(m) ? m : Number.POSITIVE_INFINITY;
}

export async function benchOpCase(s: OpSpec, o: OpBenchOpts): Promise<OpCaseResult> {
  const data = makeData(s);
  const flops = opFlops(s);
  const res: OpCaseResult = { name: opName(s), op: s.op, B: s.B, T: s.T, H: s.H, D: s.D, causal: !!s.causal, flops, results: [] };
  const runners: { impl: string; r: OpRunner | null; samples: number[]; error?: string; skipped?: string }[] = [];
  try {
    runners.push({ impl: 'ours', r: oursRunner(o.gpu, s, data), samples: [] });
  } catch (e) {
    runners.push({ impl: 'ours', r: null, samples: [], error: String(e) });
  }
  if (o.tfjs) {
    const largest = tfLargestTensorBytes(s);
    const limit = tfDevice().limits.maxStorageBufferBindingSize;
    if (largest > limit) {
      runners.push({ impl: 'tfjs-webgpu', r: null, samples: [], skipped: `cannot run: its ${(largest / 2 ** 20).toFixed(0)} MiB score/logit tensor exceeds the device's ${(limit / 2 ** 20).toFixed(0)} MiB binding limit` });
    } else if (peakFactor(s) * largest > o.tfjsMaxBytes) {
      const est = (peakFactor(s) * largest) / 2 ** 30;
      runners.push({ impl: 'tfjs-webgpu', r: null, samples: [], skipped: `not run: needs ≈ ${est.toFixed(1)} GiB (> ${(o.tfjsMaxBytes / 2 ** 30).toFixed(1)} GiB bench budget)` });
    } else {
      try {
        runners.push({ impl: 'tfjs-webgpu', r: await tfjsRunner(s, data), samples: [] });
      } catch (e) {
        runners.push({ impl: 'tfjs-webgpu', r: null, samples: [], error: String(e) });
      }
    }
  }
  const live = () => runners.filter((x) => x.r);
  const timeIt = async (x: (typeof runners)[number], k: number) => {
    const t0 = performance.now();
    try {
      await x.r?.runMany(k);
    } catch (e) {
      x.error = String(e);
      x.r?.dispose();
      x.r = null;
    }
    return performance.now() - t0;
  };
  // Warm-up (compilation), then the slowest implementation sizes the repetitions so that huge cases
  // (B = 16,384: minutes per iteration on a CPU adapter) take a few samples, not dozens.
  // A huge case (estimated > 60 s per iteration; its pipelines were compiled by the smaller B) gets one sample.
  const huge = (o.estimateMs ?? 0) > 60_000;
  const warm: number[] = [];
  if (!huge) for (const x of live()) warm.push(await timeIt(x, 1));
  const slow = huge ? Number.POSITIVE_INFINITY : Math.max(...warm, 0);
  const k = huge ? 1 : Math.max(1, Math.min(8, Math.ceil(o.sampleMs / Math.max(0.05, Math.min(...warm)))));
  const reps = slow > 20_000 ? 1 : slow > 5_000 ? 3 : o.reps;
  for (let rep = 0; rep < reps; rep++) {
    for (const x of rotate(live(), rep)) {
      const kk = slow > 5_000 ? 1 : k;
      const ms = await timeIt(x, kk);
      if (x.r) x.samples.push(ms / kk);
    }
  }
  // Cross-check outputs between implementations (each against ours); nothing to compare when ours ran alone.
  const outs = new Map<string, Record<string, Float32Array>>();
  if (live().length > 1) for (const x of live()) outs.set(x.impl, await (x.r as OpRunner).outputs());
  const ours = outs.get('ours');
  for (const x of runners) {
    const r: OpImplResult = {
      impl: x.impl,
      msPerIter: median(x.samples),
      spread: relSpread(x.samples),
      samples: x.samples,
      gflops: flops / (median(x.samples) * 1e6),
      peakBytes: x.r?.peakBytes,
      poolBytes: x.r?.poolBytes,
    };
    const mine = outs.get(x.impl);
    if (mine && ours && x.impl !== 'ours') {
      const errs: Record<string, number> = {};
      for (const [name, v] of Object.entries(mine)) if (ours[name]) errs[name] = maxAbsDiff(v, ours[name]);
      r.maxAbsDiffVsOurs = errs;
    }
    if (x.error) r.error = x.error;
    if (x.skipped) r.skipped = x.skipped;
    x.r?.dispose();
    res.results.push(r);
  }
  if (huge) res.note = `one sample, no warm-up (estimated ${(o.estimateMs ?? 0) / 1000 | 0} s per iteration)`;
  o.log(`${res.name}: ${res.results.map((r) => `${r.impl} ${r.skipped ? 'skipped' : `${r.msPerIter.toFixed(1)} ms`}`).join(', ')}`);
  return res;
}

/** Sizes: ShareLab's towers (T = 17 vision, 16 text) up to longer sequences; losses up to B = 16,384. */
export function opCases(quick: boolean, maxB: number): OpSpec[] {
  const attn: OpSpec[] = quick
    ? [
        { op: 'attention', B: 32, T: 17, H: 2, D: 16 },
        { op: 'attention', B: 32, T: 16, H: 2, D: 16, causal: true },
      ]
    : [
        { op: 'attention', B: 32, T: 17, H: 2, D: 16 },
        { op: 'attention', B: 32, T: 16, H: 2, D: 16, causal: true },
        { op: 'attention', B: 64, T: 17, H: 4, D: 16 },
        { op: 'attention', B: 64, T: 65, H: 4, D: 16 },
        { op: 'attention', B: 16, T: 128, H: 4, D: 32, causal: true },
        { op: 'attention', B: 8, T: 256, H: 4, D: 32 },
      ];
  const Bs = (quick ? [256, 1024] : [256, 1024, 4096, 16384]).filter((b) => b <= maxB);
  const losses: OpSpec[] = Bs.flatMap((B) => [
    { op: 'infonce', B, D: 64 },
    { op: 'siglip', B, D: 64 },
  ]);
  return [...attn, ...losses];
}
