// Training checks on the GPU (run by the kernel-check page and e2e): determinism bit for bit, and
// that a small model really learns the built-in dataset.
import type { KernelCheck } from '../kernels/check';
import { builtinSet, prepare } from '../data/prepare';
import { PRESET_NAMES, presetConfig } from '../model/registry';
import type { ClipConfig } from '../model/config';
import { DEFAULT_HYPER, type TrainHyper } from './hyper';
import { runTraining } from './runner';

export const SMALL: Partial<ClipConfig> = {
  vision: { imageSize: 32, patchSize: 8, width: 32, depth: 2, heads: 2, mlpRatio: 2, pool: 'cls' },
  text: { contextLength: 16, vocabSize: 512, width: 32, depth: 2, heads: 2, mlpRatio: 2, causal: true },
  embedDim: 32,
};

let cachedSet: ReturnType<typeof builtinSet> | null = null;
function smallSet() {
  cachedSet ??= builtinSet({ seed: 1, count: 1024, valCount: 128, heldOutCount: 64, size: 32 });
  return cachedSet;
}

function setup(preset: string, hyper: Partial<TrainHyper>) {
  const set = smallSet();
  const prep = prepare(set, 16, 512);
  const config = presetConfig(preset, { ...SMALL, text: { ...SMALL.text, vocabSize: prep.tokenizer.vocabSize } });
  const h: TrainHyper = { ...DEFAULT_HYPER, ...hyper };
  return { prep, config, h };
}

const determinism: KernelCheck = {
  kernel: 'train',
  name: 'determinism: same seed twice → identical loss curve bit for bit (shared-except-ln, 12 steps)',
  heavy: true,
  async run(gpu) {
    const curves: number[][] = [];
    for (let rep = 0; rep < 2; rep++) {
      const { prep, config, h } = setup('shared-except-ln', { batchSize: 16, steps: 12, warmup: 2, logEvery: 4, evalEvery: 0, checkpointEvery: 0 });
      const losses: number[] = [];
      const r = await runTraining(gpu, { id: `det${rep}`, config, hyper: h, seed: 42 }, prep.makeData(42, h.batchSize), {
        onSteps: (recs) => losses.push(...recs.map((x) => x.loss)),
      });
      r.trainer.destroy();
      curves.push(losses);
    }
    const same = curves[0].length === 12 && curves[0].every((v, i) => Object.is(v, curves[1][i]));
    return {
      kernel: 'train',
      name: 'determinism',
      ok: same,
      maxAbsErr: Math.max(...curves[0].map((v, i) => Math.abs(v - curves[1][i]))),
      message: `run A ${curves[0].map((v) => v.toFixed(5)).join(' ')}; run B ${same ? 'identical' : curves[1].map((v) => v.toFixed(5)).join(' ')}`,
    };
  },
};


const learns: KernelCheck = {
  kernel: 'train.learns',
  name: 'learns the built-in dataset: separate, width 32, 2 layers, B=32, 150 steps → val loss ≪ ln B, R@1 ≫ chance',
  heavy: true,
  async run(gpu) {
    const { prep, config, h } = setup('separate', { batchSize: 32, steps: 150, lr: 2e-3, warmup: 10, logEvery: 25, evalEvery: 0, checkpointEvery: 0 });
    const first: number[] = [];
    const r = await runTraining(gpu, { id: 'learns', config, hyper: h, seed: 3 }, prep.makeData(3, h.batchSize), {
      onSteps: (recs) => first.push(...recs.map((x) => x.loss)),
    });
    r.trainer.destroy();
    const m = r.final;
    const val = prep.val;
    const chanceI2t = (val.captions.N / val.Ni) / val.captions.N; // any of ~5 captions at rank 1
    const chanceT2i = 1 / val.Ni;
    const lnB = Math.log(h.batchSize);
    const ok = !!m && m.valLoss < 0.75 * lnB && m.i2t[1] > 3 * chanceI2t && m.t2i[1] > 3 * chanceT2i;
    return {
      kernel: 'train.learns',
      name: 'learns',
      ok,
      maxAbsErr: 0,
      message: m
        ? `train loss ${first[0].toFixed(3)} → ${first[first.length - 1].toFixed(3)}; val loss ${m.valLoss.toFixed(3)} (ln B = ${lnB.toFixed(3)}); R@1 i2t ${(100 * m.i2t[1]).toFixed(1)}% (chance ${(100 * chanceI2t).toFixed(1)}%), t2i ${(100 * m.t2i[1]).toFixed(1)}% (chance ${(100 * chanceT2i).toFixed(1)}%); R@10 i2t ${(100 * m.i2t[10]).toFixed(1)}%; zero-shot ${(100 * (m.zeroShot ?? 0)).toFixed(1)}% (held-out ${(100 * (m.zeroShotHeldOut ?? 0)).toFixed(1)}%, 64 classes); gap ${m.modalityGap.toFixed(3)}; ${(r.wallMs / 1000).toFixed(0)} s`
        : 'no final metrics',
    };
  },
};

const resume: KernelCheck = {
  kernel: 'train.checkpoint',
  name: 'resume from a safetensors checkpoint continues the same curve bit for bit (shared-attn, 4 + 4 steps vs 8)',
  heavy: true,
  async run(gpu) {
    const { prep, config, h } = setup('shared-attn', { batchSize: 16, steps: 8, warmup: 2, logEvery: 4, evalEvery: 0, checkpointEvery: 0 });
    const data = prep.makeData(5, h.batchSize);
    const { Trainer } = await import('./trainer');
    const full = new Trainer(gpu, config, h, 5);
    const a: number[] = [];
    for (let s = 0; s < 8; s++) {
      full.runStep(data.batchAt(s));
      if (full.mustRead) a.push(...(await full.readMetrics()).map((r) => r.loss));
    }
    full.destroy();
    const first = new Trainer(gpu, config, h, 5);
    const b: number[] = [];
    for (let s = 0; s < 4; s++) first.runStep(data.batchAt(s));
    b.push(...(await first.readMetrics()).map((r) => r.loss));
    const bytes = await first.saveCheckpoint(prep.tokenizer.toJSON(), 5);
    first.destroy();
    const second = new Trainer(gpu, config, h, 99); // different init seed: the checkpoint must override it
    second.loadCheckpoint(bytes);
    for (let s = second.step; s < 8; s++) second.runStep(data.batchAt(s));
    b.push(...(await second.readMetrics()).map((r) => r.loss));
    second.destroy();
    const ok = a.length === 8 && a.every((v, i) => Object.is(v, b[i]));
    return { kernel: 'train.checkpoint', name: 'resume', ok, maxAbsErr: Math.max(...a.map((v, i) => Math.abs(v - b[i]))), message: `uninterrupted ${a.map((v) => v.toFixed(5)).join(' ')}; resumed ${ok ? 'identical' : b.map((v) => v.toFixed(5)).join(' ')}; checkpoint ${(bytes.length / 1024).toFixed(0)} KiB` };
  },
};

const TINY_TRAIN: Partial<ClipConfig> = {
  vision: { imageSize: 32, patchSize: 8, width: 16, depth: 2, heads: 2, mlpRatio: 2, pool: 'cls' },
  text: { contextLength: 16, vocabSize: 512, width: 16, depth: 2, heads: 2, mlpRatio: 2, causal: true },
  embedDim: 16,
};

const everyPreset: KernelCheck[] = PRESET_NAMES.flatMap((preset) =>
  (['infonce', 'siglip'] as const).map((loss) => ({
    kernel: 'train.presets',
    name: `${preset} (${loss}): 4 training steps, finite loss and gradients, parameters change`,
    heavy: true,
    async run(gpu) {
      const set = smallSet();
      const prep = prepare(set, 16, 512);
      const over: Partial<ClipConfig> = { ...TINY_TRAIN, loss, text: { ...TINY_TRAIN.text, vocabSize: prep.tokenizer.vocabSize } as ClipConfig['text'] };
      if (preset === 'custom') over.sharing = { preset: 'custom', matrix: [{ attn: true, mlp: false, ln: true }, { attn: false, mlp: true, ln: false }] };
      const config = presetConfig(preset, over);
      const h: TrainHyper = { ...DEFAULT_HYPER, batchSize: 8, steps: 4, warmup: 1, logEvery: 4, evalEvery: 0, checkpointEvery: 0 };
      const data = prep.makeData(1, h.batchSize);
      const { Trainer } = await import('./trainer');
      const t = new Trainer(gpu, config, h, 1);
      for (let s = 0; s < 4; s++) t.runStep(data.batchAt(s));
      const recs = await t.readMetrics();
      const after = await t.readParams();
      t.destroy();
      let moved = 0;
      for (let i = 0; i < after.length; i++) if (after[i] !== t.model.init[i]) moved++;
      const finite = recs.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.gradNorm) && !r.skipped) && after.every(Number.isFinite);
      return {
        kernel: 'train.presets',
        name: `${preset} ${loss}`,
        ok: finite && recs.length === 4 && moved > 0,
        maxAbsErr: 0,
        message: `losses ${recs.map((r) => r.loss.toFixed(4)).join(' ')}; grad norms ${recs.map((r) => r.gradNorm.toFixed(3)).join(' ')}; ${moved} parameter values changed`,
      };
    },
  })),
);

const nanGuard: KernelCheck = {
  kernel: 'train.nan',
  name: 'forced NaN: a NaN image batch makes every step non-finite → steps skipped, weights untouched, run auto-pauses',
  heavy: true,
  async run(gpu) {
    const set = smallSet();
    const prep = prepare(set, 16, 512);
    const config = presetConfig('shared-all', { ...TINY_TRAIN, text: { ...TINY_TRAIN.text, vocabSize: prep.tokenizer.vocabSize } as ClipConfig['text'] });
    const h: TrainHyper = { ...DEFAULT_HYPER, batchSize: 8, steps: 12, warmup: 1, logEvery: 3, evalEvery: 0, checkpointEvery: 0 };
    const data = prep.makeData(1, h.batchSize);
    // Steps 3.. get a NaN pixel: the loss and every gradient become NaN from then on.
    const poisoned = { ...data, batchAt: (step: number) => {
      const b = data.batchAt(step);
      if (step >= 3) b.images[0] = Number.NaN;
      return b;
    } };
    const skipped: boolean[] = [];
    let pausedMsg = '';
    let stopAfterPause = false;
    const r = await runTraining(gpu, { id: 'nan', config, hyper: h, seed: 1 }, poisoned, {
      onSteps: (recs) => skipped.push(...recs.map((x) => x.skipped)),
      onAutoPause: (m) => {
        pausedMsg = m;
        stopAfterPause = true;
      },
      control: () => (stopAfterPause ? 'stop' : 'run'),
    });
    const params = await r.trainer.readParams();
    const beforePoison = skipped.slice(0, 3).every((x) => !x);
    r.trainer.destroy();
    const ok = beforePoison && skipped.slice(3).every((x) => x) && pausedMsg.includes('NaN') && params.every(Number.isFinite);
    return {
      kernel: 'train.nan',
      name: 'nan guard',
      ok,
      maxAbsErr: 0,
      message: `skipped per step: ${skipped.map((x) => (x ? 'S' : '.')).join('')}; auto-pause: "${pausedMsg.slice(0, 90)}…"; params finite: ${params.every(Number.isFinite)}`,
    };
  },
};

const bnState: KernelCheck = {
  kernel: 'train.buffers',
  name: 'ms-clip BatchNorm running stats: saved in and restored from the checkpoint bit for bit; a skipped NaN step leaves them untouched',
  heavy: true,
  async run(gpu) {
    const set = smallSet();
    const prep = prepare(set, 16, 512);
    const config = presetConfig('ms-clip', { ...TINY_TRAIN, text: { ...TINY_TRAIN.text, vocabSize: prep.tokenizer.vocabSize } as ClipConfig['text'] });
    const h: TrainHyper = { ...DEFAULT_HYPER, batchSize: 8, steps: 8, warmup: 1, logEvery: 1, evalEvery: 0, checkpointEvery: 0 };
    const data = prep.makeData(1, h.batchSize);
    const { Trainer } = await import('./trainer');
    const a = new Trainer(gpu, config, h, 1);
    const bufsOf = async (t: InstanceType<typeof Trainer>) => {
      const b = t.model.buffers;
      if (!b || b.layout.totalElements === 0) throw new Error('ms-clip has no BatchNorm buffers');
      return gpu.read(b.flat());
    };
    const initial = await bufsOf(a);
    for (let s = 0; s < 3; s++) {
      a.runStep(data.batchAt(s));
      await a.readMetrics();
    }
    const trained = await bufsOf(a);
    const bytes = await a.saveCheckpoint(prep.tokenizer.toJSON(), 1);
    a.destroy();
    const b = new Trainer(gpu, config, h, 99);
    b.loadCheckpoint(bytes);
    const restored = await bufsOf(b);
    const poison = data.batchAt(3);
    poison.images[0] = Number.NaN;
    b.runStep(poison);
    const [rec] = await b.readMetrics();
    const afterSkip = await bufsOf(b);
    b.runStep(data.batchAt(3));
    const [good] = await b.readMetrics();
    const afterGood = await bufsOf(b);
    b.destroy();
    const same = (x: Float32Array, y: Float32Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
    const moved = !same(initial, trained);
    const ok = moved && same(trained, restored) && rec.skipped && same(restored, afterSkip) && !good.skipped && !same(afterSkip, afterGood) && afterGood.every(Number.isFinite);
    return {
      kernel: 'train.buffers',
      name: 'bn state',
      ok,
      maxAbsErr: Math.max(...trained.map((v, i) => Math.abs(v - restored[i]))),
      message: `${trained.length} running-stat values; moved by training: ${moved}; restored identical: ${same(trained, restored)}; NaN step skipped: ${rec.skipped}, stats untouched: ${same(restored, afterSkip)}; next good step updates them: ${!same(afterSkip, afterGood)}`,
    };
  },
};

/**
 * evaluate()'s validation loss is the run's own loss over the WHOLE val set (issue 16.7): a SigLIP run
 * (bias moved off its init by training) evaluated on 20 val images with batch 8 (batches 8, 8, 4) must
 * equal the float64 reference (src/model/reference.ts lossRef, its own SigLIP loops) on the same
 * embeddings with the trained scale and bias read back from the GPU.
 */
const valLoss: KernelCheck = {
  kernel: 'train.valloss',
  name: 'SigLIP val loss = float64 reference with the learned scale and bias over the whole val set (20 images, batches 8 + 8 + 4)',
  async run(gpu) {
    const set = smallSet();
    const prep = prepare(set, 16, 512);
    const config = presetConfig('separate', { ...TINY_TRAIN, loss: 'siglip', text: { ...TINY_TRAIN.text, vocabSize: prep.tokenizer.vocabSize } as ClipConfig['text'] });
    const h: TrainHyper = { ...DEFAULT_HYPER, batchSize: 8, steps: 6, warmup: 1, logEvery: 6, evalEvery: 0, checkpointEvery: 0, lr: 1e-2 };
    const data = prep.makeData(1, h.batchSize);
    const { Trainer } = await import('./trainer');
    const { evaluate } = await import('./evaluate');
    const { lossRef } = await import('../model/reference');
    const t = new Trainer(gpu, config, h, 1);
    try {
      for (let s = 0; s < h.steps; s++) t.runStep(data.batchAt(s));
      await t.readMetrics();
      // The first 20 val images with all their captions.
      const v = prep.val;
      const Ni = 20;
      const px = v.images.length / v.Ni;
      const keep = [...v.captionImage.keys()].filter((j) => v.captionImage[j] < Ni);
      const T = v.captions.ids.length / v.captions.N;
      const pick = (a: Int32Array, w: number) => Int32Array.from(keep.flatMap((j) => Array.from(a.subarray(j * w, j * w + w))));
      const captions = { ids: pick(v.captions.ids, T), eot: pick(v.captions.eot, 1), lengths: pick(v.captions.lengths, 1), N: keep.length };
      const sub = { images: v.images.subarray(0, Ni * px), Ni, captions, captionImage: Int32Array.from(keep.map((j) => v.captionImage[j])) };
      const { metrics, emb } = await evaluate(t, sub, 10);
      const params = await t.readParams();
      const tp = params[t.arena.layout.get('logit_scale').offset];
      const bp = params[t.arena.layout.get('logit_bias').offset];
      const D = emb.D;
      const first = new Int32Array(Ni).fill(-1);
      for (let j = captions.N - 1; j >= 0; j--) first[sub.captionImage[j]] = j;
      const P = (name: string) => Float64Array.of(name === 'logit_scale' ? tp : bp);
      let want = 0;
      for (let lo = 0; lo < Ni; lo += h.batchSize) {
        const B = Math.min(h.batchSize, Ni - lo);
        const img = Float64Array.from(emb.img.subarray(lo * D, (lo + B) * D));
        const txt = new Float64Array(B * D);
        for (let i = 0; i < B; i++) txt.set(emb.txt.subarray(first[lo + i] * D, first[lo + i] * D + D), i * D);
        want += B * lossRef(config, P, img, txt, B);
      }
      want /= Ni;
      const err = Math.abs(metrics.valLoss - want);
      const biasMoved = bp !== t.model.init[t.arena.layout.get('logit_bias').offset];
      return {
        kernel: 'train.valloss',
        name: 'siglip val loss',
        ok: err < 1e-9 * Math.max(1, Math.abs(want)) && biasMoved,
        maxAbsErr: err,
        message: `val loss ${metrics.valLoss.toFixed(6)} vs float64 reference ${want.toFixed(6)} (|Δ| ${err.toExponential(2)}); learned scale exp(${tp.toFixed(4)}), bias ${bp.toFixed(4)} (moved from init: ${biasMoved})`,
      };
    } finally {
      t.destroy();
    }
  },
};

export const checks: KernelCheck[] = [determinism, learns, resume, nanGuard, bnState, valLoss, ...everyPreset];
