// Soak test: a long training run of a tiny model, sampling every `sampleEvery` steps what could leak:
// GPU buffers created (Gpu.stats.bytesAllocated counts every buffer ever created, so after warm-up it must
// stay flat), the activation allocator's reserve, the pipeline cache, and the JS heap (Chromium's
// performance.memory after a forced GC; the bench launches Chromium with --enable-precise-memory-info and
// --js-flags=--expose-gc). Metrics are read back every `logEvery` steps as the worker does.
import { builtinSet, prepare } from '../data/prepare';
import type { Gpu } from '../gpu/runtime';
import { presetConfig } from '../model/registry';
import { DEFAULT_HYPER, type TrainHyper } from '../train/hyper';
import { Trainer } from '../train/trainer';
import { median } from './stats';
import type { SoakResult, SoakSample } from './types';

export interface SoakOpts {
  gpu: Gpu;
  steps: number;
  sampleEvery: number;
  batchSize: number;
  log: (s: string) => void;
}

/** Tiny model: 16 px images, patch 8 (T = 5), width 16, depth 1, 2 heads; text T = 8. */
export const SOAK_MODEL = {
  vision: { imageSize: 16, patchSize: 8, width: 16, depth: 1, heads: 2, mlpRatio: 2, pool: 'cls' as const },
  text: { contextLength: 8, vocabSize: 512, width: 16, depth: 1, heads: 2, mlpRatio: 2, causal: true },
  embedDim: 16,
};

function jsHeap(): number | null {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  const m = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize : null;
}

/** Least-squares slope of y over x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return den > 0 ? num / den : Number.NaN;
}

/** Growth figures from the samples taken after warm-up (pure; tested). */
export function soakGrowth(samples: readonly SoakSample[], warmupSteps: number) {
  const post = samples.filter((s) => s.step >= warmupSteps);
  const first = post[0];
  const last = post.at(-1);
  if (!first || !last) return { gpuBytesGrowth: Number.NaN, activationBytesGrowth: Number.NaN, jsHeapGrowthBytes: null, jsHeapSlopeBytesPerStep: null };
  const heaps = post.filter((s) => s.jsHeapBytes !== null);
  const tail = heaps.slice(-3).map((s) => s.jsHeapBytes as number);
  return {
    gpuBytesGrowth: last.gpuBytesCreated - first.gpuBytesCreated,
    activationBytesGrowth: last.activationBytes - first.activationBytes,
    jsHeapGrowthBytes: heaps.length >= 2 ? median(tail) - (heaps[0].jsHeapBytes as number) : null,
    jsHeapSlopeBytesPerStep: heaps.length >= 3 ? slope(heaps.map((s) => s.step), heaps.map((s) => s.jsHeapBytes as number)) : null,
  };
}

export async function soak(o: SoakOpts): Promise<SoakResult> {
  const { gpu } = o;
  const t0 = performance.now();
  const set = builtinSet({ seed: 3, count: 512, valCount: 64, heldOutCount: 32, size: SOAK_MODEL.vision.imageSize });
  const prep = prepare(set, SOAK_MODEL.text.contextLength, 512);
  const data = prep.makeData(11, o.batchSize);
  const cfg = presetConfig('shared-except-ln', { ...SOAK_MODEL, text: { ...SOAK_MODEL.text, vocabSize: prep.tokenizer.vocabSize } } as Parameters<typeof presetConfig>[1]);
  const hyper: TrainHyper = { ...DEFAULT_HYPER, batchSize: o.batchSize, steps: o.steps, warmup: Math.min(50, o.steps), logEvery: 10, evalEvery: 0, checkpointEvery: 0 };
  const bytes0 = gpu.stats.bytesAllocated; // buffers created before the soak (other suites on this Gpu)
  const trainer = new Trainer(gpu, cfg, hyper, 1);
  const samples: SoakSample[] = [];
  let loss = Number.NaN;
  let tWin = performance.now();
  try {
    for (let step = 1; step <= o.steps; step++) {
      trainer.runStep(data.batchAt(step - 1));
      if (trainer.mustRead) loss = (await trainer.readMetrics()).at(-1)?.loss ?? loss;
      if (step % o.sampleEvery === 0 || step === 1) {
        await gpu.sync();
        const now = performance.now();
        const ms = (now - tWin) / (step === 1 ? 1 : o.sampleEvery);
        samples.push({
          step,
          gpuBytesCreated: gpu.stats.bytesAllocated - bytes0,
          activationBytes: trainer.tape.alloc.bytesReserved,
          pipelines: gpu.pipelines.size,
          jsHeapBytes: jsHeap(),
          msPerStep: ms,
          loss,
        });
        if (step % (o.sampleEvery * 5) === 0) o.log(`soak step ${step}/${o.steps}: ${ms.toFixed(1)} ms/step, loss ${loss.toFixed(3)}`);
        tWin = performance.now();
      }
    }
    await trainer.readMetrics();
  } finally {
    trainer.destroy();
  }
  const warmupSteps = Math.max(o.sampleEvery, Math.round(o.steps / 10));
  const post = samples.filter((s) => s.step >= warmupSteps);
  return {
    config: `tiny CLIP (image 16 px, patch 8, width 16, depth 1, heads 2, text T=8, embed 16), shared-except-ln, B=${o.batchSize}`,
    steps: o.steps,
    sampleEvery: o.sampleEvery,
    warmupSteps,
    samples,
    ...soakGrowth(samples, warmupSteps),
    msPerStepFirst: post[1]?.msPerStep ?? Number.NaN,
    msPerStepLast: post.at(-1)?.msPerStep ?? Number.NaN,
    wallMs: performance.now() - t0,
    note: samples.some((s) => s.jsHeapBytes === null) ? 'performance.memory unavailable: no JS heap figures' : undefined,
  };
}
