// Our training step vs the same step written in tfjs-webgpu (tfjs-clip.ts), interleaved per repetition
// from the same initial parameters on the same batches. Also checks that both compute the same thing
// (first-step loss) and records tfjs's kernels per step and memory.
import * as tf from '@tensorflow/tfjs-core';
import type { Gpu } from '../gpu/runtime';
import type { ClipConfig } from '../model/config';
import type { TrainHyper } from '../train/hyper';
import { type BatchData, Trainer } from '../train/trainer';
import { median, relSpread } from './stats';
import { tfGpuBytes, tfSync } from './tf-ops';
import { TfjsClip } from './tfjs-clip';
import type { TrainPeerResult } from './types';

export interface TrainPeerOpts {
  gpu: Gpu;
  preset: string;
  cfg: ClipConfig;
  hyper: TrainHyper;
  batches: BatchData[];
  reps: number;
  log: (s: string) => void;
}

export async function benchTrainPeer(o: TrainPeerOpts): Promise<TrainPeerResult> {
  const { gpu, hyper, batches } = o;
  const B = hyper.batchSize;
  const row: TrainPeerResult = { preset: o.preset, impl: 'tfjs-webgpu', msPerStep: Number.NaN, samplesPerSec: Number.NaN, spread: Number.NaN, samples: [], oursMsPerStep: Number.NaN, speedup: Number.NaN };
  const bytes0 = gpu.stats.bytesAllocated;
  const ours = new Trainer(gpu, o.cfg, { ...hyper, logEvery: o.reps + 4 }, 1);
  let peer: TfjsClip | null = null;
  try {
    peer = new TfjsClip(o.cfg, ours.arena.layout, ours.model.init, hyper);
    const peerFirst = await peer.lossOf(batches[0]);
    // Warm-up: two steps each (pipelines, buffers), the first on batches[0] for the loss check.
    for (let s = 0; s < 2; s++) {
      ours.runStep(batches[s]);
      await gpu.sync();
      peer.runStep(batches[s]);
      await tfSync();
    }
    const oursBytes = gpu.stats.bytesAllocated - bytes0;
    const oursMs: number[] = [];
    for (let rep = 0; rep < o.reps; rep++) {
      const batch = batches[(2 + rep) % batches.length];
      const runOurs = async () => {
        const t0 = performance.now();
        ours.runStep(batch);
        await gpu.sync();
        oursMs.push(performance.now() - t0);
      };
      const runPeer = async () => {
        const t0 = performance.now();
        (peer as TfjsClip).runStep(batch);
        await tfSync();
        row.samples.push(performance.now() - t0);
      };
      if (rep % 2) {
        await runPeer();
        await runOurs();
      } else {
        await runOurs();
        await runPeer();
      }
      o.log(`tfjs peer rep ${rep + 1}/${o.reps}: ours ${oursMs.at(-1)?.toFixed(0)} ms, tfjs ${row.samples.at(-1)?.toFixed(0)} ms`);
    }
    const recs = await ours.readMetrics();
    row.firstLoss = { ours: recs[0]?.loss ?? Number.NaN, peer: peerFirst };
    // Same optimizer semantics: after the same steps on the same batches the parameters must agree.
    const a = await ours.readParams();
    const b = await peer.flatParams(ours.arena.layout);
    row.paramsMaxAbsDiff = a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
    row.steps = recs.length;
    // One profiled step: tfjs kernels (≈ dispatches) and the peak of live tensor bytes.
    const before = tf.memory().numBytes;
    const prof = await tf.profile(() => (peer as TfjsClip).runStep(batches[0]));
    await tfSync();
    row.kernelsPerStep = prof.kernels.length;
    row.memory = { peerPeakBytes: Math.max(prof.peakBytes, before), peerPoolBytes: tfGpuBytes().allocated, oursBytes };
    row.msPerStep = median(row.samples);
    row.samplesPerSec = (1000 * B) / row.msPerStep;
    row.spread = relSpread(row.samples);
    row.oursMsPerStep = median(oursMs);
    row.speedup = row.msPerStep / row.oursMsPerStep;
  } catch (e) {
    row.error = String(e);
  } finally {
    ours.destroy();
    peer?.dispose();
  }
  o.log(`tfjs peer (${o.preset}): ${row.msPerStep.toFixed(0)} ms/step vs ours ${row.oursMsPerStep.toFixed(0)} ms → ${row.speedup.toFixed(2)}×${row.error ? ` (${row.error})` : ''}`);
  return row;
}
