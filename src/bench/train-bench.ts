// Full training steps of the small CLIP for each sharing preset: ms/step, samples/s, dispatches
// and submits per step (gpu.stats deltas), interleaved across presets; plus the per-kernel GPU time
// breakdown of one preset from the Profiler.
import { builtinSet, prepare } from '../data/prepare';
import { Gpu } from '../gpu/runtime';
import { PRESETS, PRESET_NAMES, presetConfig } from '../model/registry';
import { paramCounts } from '../model/params';
import { SMALL } from '../train/train.check';
import { DEFAULT_HYPER, type TrainHyper } from '../train/hyper';
import { type BatchData, Trainer } from '../train/trainer';
import { median, relSpread, rotate } from './stats';
import { benchTrainPeer } from './train-peer';
import type { BenchResults, KernelShare, TrainPresetResult } from './types';

export interface TrainBenchOpts {
  gpu: Gpu;
  reps: number;
  batchSize: number;
  presets?: string[];
  profilePreset: string;
  profileSteps: number;
  /** Presets whose step is also run in tfjs-webgpu (train-peer.ts); peerReps repetitions each. */
  peerPresets?: string[];
  peerReps?: number;
  log: (s: string) => void;
}

export async function benchTraining(o: TrainBenchOpts): Promise<NonNullable<BenchResults['train']>> {
  const { gpu, batchSize: B } = o;
  const set = builtinSet({ seed: 1, count: 1024, valCount: 128, heldOutCount: 64, size: 32 });
  const prep = prepare(set, 16, 512);
  const data = prep.makeData(7, B);
  const batches: BatchData[] = Array.from({ length: o.reps + 2 }, (_, s) => data.batchAt(s));
  // A long schedule so the learning rate is not at the end of warm-up/decay; history big enough for every step.
  const hyper: TrainHyper = { ...DEFAULT_HYPER, batchSize: B, steps: 10_000, warmup: 10, logEvery: o.reps + 4, evalEvery: 0, checkpointEvery: 0 };
  const depth = SMALL.vision?.depth ?? 2;
  const cfgOf = (name: string) => {
    // The 'custom' preset's per-layer matrix is written for the default depth: keep evenly spaced rows.
    const m = (PRESETS[name]?.sharing as { matrix?: unknown[] } | undefined)?.matrix;
    const sharing = m && m.length !== depth ? { sharing: { matrix: Array.from({ length: depth }, (_, i) => m[Math.round((i * (m.length - 1)) / Math.max(1, depth - 1))]) } } : {};
    return presetConfig(name, { ...SMALL, text: { ...SMALL.text, vocabSize: prep.tokenizer.vocabSize }, ...sharing } as Parameters<typeof presetConfig>[1]);
  };

  const names = o.presets ?? PRESET_NAMES;
  const rows: (TrainPresetResult & { trainer?: Trainer; d: number[]; s: number[] })[] = [];
  for (const preset of names) {
    const row: (typeof rows)[number] = { preset, msPerStep: Number.NaN, samplesPerSec: Number.NaN, spread: Number.NaN, dispatchesPerStep: 0, submitsPerStep: 0, samples: [], d: [], s: [] };
    try {
      const trainer = new Trainer(gpu, cfgOf(preset), hyper, 1);
      row.params = paramCounts(trainer.arena.layout).total;
      // Warm-up: pipelines, bind groups, activation buffers.
      for (let s = 0; s < 2; s++) trainer.runStep(batches[s]);
      await gpu.sync();
      row.trainer = trainer;
    } catch (e) {
      row.error = String(e);
    }
    rows.push(row);
  }
  for (let rep = 0; rep < o.reps; rep++) {
    for (const row of rotate(rows, rep)) {
      const t = row.trainer;
      if (!t) continue;
      const d0 = gpu.stats.dispatches;
      const s0 = gpu.stats.submits;
      const t0 = performance.now();
      try {
        t.runStep(batches[2 + rep]);
        await gpu.sync();
      } catch (e) {
        row.error = String(e);
        t.destroy();
        row.trainer = undefined;
        continue;
      }
      row.samples.push(performance.now() - t0);
      row.d.push(gpu.stats.dispatches - d0);
      row.s.push(gpu.stats.submits - s0);
    }
    o.log(`training rep ${rep + 1}/${o.reps}`);
  }
  const results: TrainPresetResult[] = [];
  for (const { trainer, d, s, ...row } of rows) {
    if (trainer) {
      const recs = await trainer.readMetrics();
      row.lastLoss = recs.at(-1)?.loss;
      trainer.destroy();
    }
    row.msPerStep = median(row.samples);
    row.samplesPerSec = (1000 * B) / row.msPerStep;
    row.spread = relSpread(row.samples);
    row.dispatchesPerStep = median(d);
    row.submitsPerStep = median(s);
    results.push(row);
    o.log(`${row.preset}: ${row.msPerStep.toFixed(1)} ms/step, ${row.dispatchesPerStep} dispatches${row.error ? ` (${row.error})` : ''}`);
  }

  const out: NonNullable<BenchResults['train']> = {
    config: `SMALL (src/train/train.check.ts): image 32 px, patch 8, width 32, depth 2, heads 2, mlpRatio 2, text T=16, embed 32; B=${B}; 'custom' uses rows 1 and 4 of its 4-layer matrix`,
    batchSize: B,
    results,
  };
  if (gpu.caps.features.has('timestamp-query')) {
    // Profiling puts every dispatch in its own compute pass with timestamps: totals are GPU time,
    // not the wall time of the unprofiled step above.
    const pg = new Gpu(gpu.device, { profile: true, caps: gpu.caps });
    const trainer = new Trainer(pg, cfgOf(o.profilePreset), { ...hyper, logEvery: o.profileSteps + 2 }, 1);
    trainer.runStep(batches[0]);
    await pg.sync();
    await pg.profiler?.report();
    pg.profiler?.reset();
    for (let s = 0; s < o.profileSteps; s++) trainer.runStep(batches[1 + (s % (batches.length - 1))]);
    await pg.sync();
    const rep = (await pg.profiler?.report()) ?? [];
    trainer.destroy();
    const total = rep.reduce((a, r) => a + r.ms, 0);
    const kernels: KernelShare[] = rep.map((r) => ({
      label: r.label,
      msPerStep: r.ms / o.profileSteps,
      countPerStep: r.count / o.profileSteps,
      share: r.ms / total,
    }));
    out.profile = {
      preset: o.profilePreset,
      steps: o.profileSteps,
      kernels,
      totalGpuMsPerStep: total / o.profileSteps,
      note: 'GPU timestamps per dispatch (one compute pass each); sums of kernel time, not step wall time',
    };
  }
  if (o.peerPresets?.length) {
    out.peers = [];
    for (const preset of o.peerPresets) {
      out.peers.push(await benchTrainPeer({ gpu, preset, cfg: cfgOf(preset), hyper, batches, reps: o.peerReps ?? o.reps, log: o.log }));
    }
  }
  return out;
}
