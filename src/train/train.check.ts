// Training checks on the GPU (run by the kernel-check page and e2e): determinism bit for bit, and
// that a small model really learns the built-in dataset.
import type { KernelCheck } from '../kernels/check';
import { builtinSet, prepare } from '../data/prepare';
import { presetConfig } from '../model/registry';
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

export const checks: KernelCheck[] = [determinism];

const speed: KernelCheck = {
  kernel: 'train.speed',
  name: 'timing probe',
  heavy: true,
  async run(gpu0) {
    const { Gpu } = await import('../gpu/runtime');
    const gpu = new Gpu(gpu0.device, { profile: true });
    const { prep, config, h } = setup('separate', { batchSize: 32, steps: 6, warmup: 2, logEvery: 3, evalEvery: 0, checkpointEvery: 0 });
    const data = prep.makeData(1, h.batchSize);
    const { Trainer } = await import('./trainer');
    const tr = new Trainer(gpu, config, h, 1);
    tr.runStep(data.batchAt(0));
    await tr.readMetrics();
    gpu.profiler?.reset();
    const t0 = performance.now();
    for (let i = 1; i < 4; i++) tr.runStep(data.batchAt(i));
    await tr.readMetrics();
    const wall = (performance.now() - t0) / 3;
    const rep = (await gpu.profiler?.report()) ?? [];
    const total = rep.reduce((s, r) => s + r.ms, 0) / 3;
    tr.destroy();
    return { kernel: 'train.speed', name: 'timing', ok: true, maxAbsErr: 0, message: `wall ${wall.toFixed(0)} ms/step, gpu ${total.toFixed(0)} ms/step, dispatches ${gpu.stats.dispatches}; ${rep.slice(0, 14).map((r) => `${r.label} ${(r.ms / 3).toFixed(1)}ms×${r.count / 3}`).join(', ')}` };
  },
};
checks.push(speed);
